#!/usr/bin/env bash
# `npm run test:cluster [-- jest args]`: the live-cluster suites, with the Go tool build overlapped.
#
#   scripts/cluster/test-cluster.sh [--tools "WRAPPER..."] [jest args...]
#
# --tools: the suite tools to build in the background (default: build-tools.sh --suites, all of
# them), for a run of some suites only (npm run test:cluster:pulumi, test:cluster:canary).
#
#   1. build-tools.sh --cluster: what the cluster itself needs (kube-apiserver & co, etcd, kwok).
#   2. build-tools.sh --suites in the background, at nice 19, outside the network namespace (it
#      needs the module proxy): the Pulumi CLI and provider, Flagger, kube-state-metrics and
#      prometheus-operator, in the order the suites need them. Log: <tools>/go/suite-tools.log.
#   3. jest in the loopback-only network namespace (isolated.sh). A suite that needs a tool still
#      being built waits for it (test/cluster/*: awaitTools), and fails with the build's own
#      error if it failed.
#   4. When jest ends, a build still running is stopped (its process group), so nothing is left.
#
# Why: most of a cold CI run was the Go build (26 to 31 min on 2 cores), and the live suites leave
# the CPU mostly idle while they wait on the scaled controllers' timings (docs/live-cluster.md,
# "Tool build"). At nice 19 the build takes only what the cluster does not use.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=$(realpath -m "${AGENTASKIT_TOOLS_DIR:-$repo/.tools}")
log=$tools/go/suite-tools.log
suite_tools=(--suites)
if [ "${1:-}" = --tools ]; then
  read -r -a suite_tools <<<"${2:?--tools needs a list of tools/ wrappers}"
  shift 2
fi

"$repo/scripts/cluster/build-tools.sh" --cluster

mkdir -p "$tools/go"
# setsid: the build is the leader of its own process group, so stopping it stops its go commands too.
AGENTASKIT_BUILD_LOG=$log setsid nice -n 19 "$repo/scripts/cluster/build-tools.sh" "${suite_tools[@]}" >"$log" 2>&1 &
builder=$!
stop_builder() {
  if kill -0 "$builder" 2>/dev/null; then
    echo "test-cluster: stopping the suite-tools build (pid $builder), not needed any more"
    kill -TERM -- "-$builder" 2>/dev/null || true
  fi
  wait "$builder" 2>/dev/null || true
  sed -n 's/^build-tools: /test-cluster: suite tools: /p' "$log"
}
trap stop_builder EXIT
echo "test-cluster: building the suite tools in the background (pid $builder, log $log)"

"$repo/scripts/cluster/isolated.sh" "$repo/node_modules/.bin/jest" -c "$repo/jest.cluster.config.js" "$@"
