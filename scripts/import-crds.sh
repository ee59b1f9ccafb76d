#!/usr/bin/env bash
# Regenerates imports/ from the pinned upstream schemas recorded in cdk8s.yaml:
#   - typed CRD classes (cdk8s import) for Flagger and prometheus-operator;
#   - imports/schema-index.json, the field index the tests use to reject unknown fields.
#
#   npm run import:crds -- <dir>    where <dir> holds crds/*.yaml and k8s-schema/*_definitions.json
#
# `cdk8s import <url>` would download the same files from the upstream releases listed in
# cdk8s.yaml; this machine has no internet, so we import from a local copy of those releases.
# Why the js-yaml round trip: the upstream CRDs contain multi-line single-quoted descriptions
# whose continuation lines are not indented past their key. js-yaml reads them as upstream
# intends; cdk8s-cli's stricter parser turns them into bogus keys and aborts. Normalising to
# JSON first keeps the schema byte-for-byte equivalent in meaning.
set -euo pipefail
pinned=${1:?usage: scripts/import-crds.sh <dir holding crds/flagger-v1.44.0.yaml, crds/prometheus-operator-v0.93.0-*.yaml and k8s-schema/v1.28.0-_definitions.json>}
pinned=$(cd "$pinned" && pwd)
src=$pinned/crds
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CDK8S_CHECK_UPGRADE=false

to_json() { # <out.json> <crd.yaml>...
  node -e '
    const yaml = require("js-yaml"); const fs = require("fs");
    const [out, ...files] = process.argv.slice(1);
    const docs = files.flatMap((f) => yaml.loadAll(fs.readFileSync(f, "utf8"))).filter(Boolean);
    fs.writeFileSync(out, docs.map((d) => JSON.stringify(d)).join("\n---\n"));
  ' "$@"
}

to_json "$tmp/flagger.json" "$src/flagger-v1.44.0.yaml"
# AlertmanagerConfig, PrometheusRule, ServiceMonitor and PodMonitor share one API group, so they
# must be imported in one call (cdk8s import writes one file per group).
to_json "$tmp/monitoring.json" "$src"/prometheus-operator-v0.93.0-{prometheusrules,servicemonitors,podmonitors,alertmanagerconfigs}.yaml

rm -rf "$here/imports" && mkdir "$here/imports"
# Run from the temp dir: `cdk8s import` appends every source it imports to a cdk8s.yaml in the
# working directory, and ours must keep naming the upstream URLs, not temp files.
cdk8s=$here/node_modules/.bin/cdk8s
(cd "$tmp" && "$cdk8s" import --language typescript --output "$here/imports" "$tmp/flagger.json")
(cd "$tmp" && "$cdk8s" import --language typescript --output "$here/imports" "$tmp/monitoring.json")
cd "$here"
npm run --silent build
node build/scripts/generate-schema-index.js "$pinned/k8s-schema/v1.28.0-_definitions.json" "$src"/*.yaml
ls -l imports
