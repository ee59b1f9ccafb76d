#!/usr/bin/env bash
# Regenerates imports/ (typed CRD classes) from the pinned CRD manifests recorded in cdk8s.yaml.
#
#   scripts/import-crds.sh <dir-with-pinned-crds>      (e.g. the team's shared/crds checkout)
#
# `cdk8s import <url>` would download the same files from the upstream releases listed in
# cdk8s.yaml; this machine has no internet, so we import from a local copy of those releases.
# Why the js-yaml round trip: the upstream CRDs contain multi-line single-quoted descriptions
# whose continuation lines are not indented past their key. js-yaml reads them as upstream
# intends; cdk8s-cli's stricter parser turns them into bogus keys and aborts. Normalising to
# JSON first keeps the schema byte-for-byte equivalent in meaning.
set -euo pipefail
src=${1:?usage: scripts/import-crds.sh <dir containing flagger-v1.44.0.yaml and prometheus-operator-v0.93.0-*.yaml>}
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

cd "$here"
rm -rf imports && mkdir imports
npx cdk8s import --language typescript --output imports "$tmp/flagger.json"
npx cdk8s import --language typescript --output imports "$tmp/monitoring.json"
ls -l imports
