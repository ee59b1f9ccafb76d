#!/usr/bin/env bash
# Builds the live-cluster tools (Go programs) from the Go module proxy into a cache keyed by version.
#
#   scripts/cluster/build-tools.sh [--cold] [TOOL...]      (npm run cluster:tools -- ...)
#
# One wrapper module per tool under tools/<tool>/: go.mod + go.sum (committed, complete: builds run
# with -mod=readonly, so nothing is resolved at build time) and tool.env, a bash file that sets
#   VERSION   the upstream release (part of the cache key)
#   PACKAGES  the main packages to build (go build -o <out>/bin/ ...); NAME=PKG names the binary
#             where Go's default (the last path element) is wrong, e.g. etcd=go.etcd.io/etcd/server/v3
#   TAGS      build tags (optional)      LDFLAGS   extra -ldflags, e.g. version stamps (optional)
#   prepare() optional: runs in the build's copy of the wrapper before `go build` (generated files)
# Binaries land in $AGENTASKIT_TOOLS_DIR/go/<tool>-<VERSION>-<recipe hash>/bin and are linked into
# $AGENTASKIT_TOOLS_DIR/go/bin (default <repo>/.tools, gitignored). A warm run builds nothing.
# Without TOOL arguments it builds what `npm run test:cluster` needs (CLUSTER_TOOLS + SUITE_TOOLS);
# --cluster builds only CLUSTER_TOOLS, --suites only SUITE_TOOLS. scripts/cluster/test-cluster.sh
# builds CLUSTER_TOOLS first and SUITE_TOOLS in the background while the first suites run.
#
# While a tool is queued or building, $AGENTASKIT_TOOLS_DIR/go/<tool>.building holds this
# script's PID; a failed build leaves <tool>.failed (what failed, and the log given in
# AGENTASKIT_BUILD_LOG). The live suites wait on these (scripts/cluster/tools.ts awaitTools)
# instead of failing on a binary not built yet.
#
# --cold: empty, throw-away Go module and build caches, to measure what a fresh CI machine pays.
# Go's own caches (GOMODCACHE, GOCACHE) are otherwise the user's, so a second clone reuses them.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=$(realpath -m "${AGENTASKIT_TOOLS_DIR:-$repo/.tools}")
cache=$tools/go
# What the live cluster itself needs before it starts: the control plane and kwok.
CLUSTER_TOOLS=(kubernetes etcd kwok)
# What the suites need besides, in the order they first need it: the Pulumi CLI and provider
# (test/cluster/10-pulumi-*), Flagger and its loadtester (20-, 21-), kube-state-metrics and
# prometheus-operator (30-).
SUITE_TOOLS=(pulumi pulumi-kubernetes flagger kube-state-metrics prometheus-operator)

cold=
args=()
for a in "$@"; do
  case $a in
    --cold) cold=1 ;;
    --cluster) args+=("${CLUSTER_TOOLS[@]}") ;;
    --suites) args+=("${SUITE_TOOLS[@]}") ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/!p}' "$0"; exit 0 ;;
    -*) echo "build-tools: unknown option $a (use --cold, --cluster, --suites or tool names: $(ls "$repo/tools" | tr '\n' ' '))" >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
[ ${#args[@]} -gt 0 ] || args=("${CLUSTER_TOOLS[@]}" "${SUITE_TOOLS[@]}")

if ! command -v go >/dev/null 2>&1; then
  echo "build-tools: Go is not installed. The live-cluster tools are built from the Go module proxy and need Go >= 1.26 (https://go.dev/doc/install, or apt-get install golang-1.26 where Debian has it), on PATH." >&2
  exit 1
fi
gover=$(go env GOVERSION)
case $gover in
  go1.2[6-9]*|go1.[3-9][0-9]*) ;;
  *) echo "build-tools: found $gover; the tools need Go >= 1.26 (Kubernetes 1.36, kwok 0.8 and Flagger 1.44 declare go 1.26.0). Install a newer Go." >&2; exit 1 ;;
esac

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
if [ -n "$cold" ]; then
  coldroot=$(mktemp -d /tmp/agentaskit-cold-go.XXXXXX)
  export GOMODCACHE=$coldroot/mod GOCACHE=$coldroot/build
  echo "build-tools: cold run (empty Go caches in $coldroot)"
fi
mkdir -p "$cache/bin"

# <tool>.building markers of this run; what is still marked when the script ends was not built.
marked=() current=
finish() {
  local rc=$? t why
  for t in "${marked[@]}"; do
    [ -f "$cache/$t.building" ] || continue
    rm -f "$cache/$t.building"
    if [ "$t" = "$current" ]; then why="building $t failed (exit $rc)"; else why="$t was not built: the build stopped at $current (exit $rc)"; fi
    echo "build-tools: $why${AGENTASKIT_BUILD_LOG:+; log: $AGENTASKIT_BUILD_LOG}" >"$cache/$t.failed"
  done
  # The cold module cache is written read-only; make it removable before deleting it.
  [ -z "$cold" ] || { chmod -R u+w "$coldroot" 2>/dev/null; rm -rf "$coldroot"; }
}
trap finish EXIT
trap 'exit 143' TERM INT

recipe_hash() { # everything that decides the binaries: the wrapper's files and the Go version
  (cd "$repo/tools/$1" && { find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum; echo "$gover"; }) \
    | sha256sum | cut -c1-12
}

build_one() {
  local name=$1 dir=$repo/tools/$1
  [ -f "$dir/tool.env" ] || { echo "build-tools: no tools/$name/tool.env (tools: $(ls "$repo/tools" | tr '\n' ' '))" >&2; return 2; }
  (
    VERSION= PACKAGES=() TAGS= LDFLAGS=
    # shellcheck source=/dev/null
    source "$dir/tool.env"
    local out=$cache/$name-$VERSION-$(recipe_hash "$name")
    if [ -f "$out/.complete" ]; then
      printf 'build-tools: %-18s %-10s cached      %s\n' "$name" "$VERSION" "$(du -sh "$out/bin" | cut -f1)"
    else
      local src=$out.src start=$SECONDS
      rm -rf "$out" "$src"; mkdir -p "$out/bin"
      cp -r "$dir" "$src"
      (
        cd "$src"
        if declare -F prepare >/dev/null; then prepare; fi
        local flags=(-trimpath ${TAGS:+-tags "$TAGS"} -ldflags "-s -w $(echo $LDFLAGS)") plain=() p
        for p in "${PACKAGES[@]}"; do
          case $p in
            *=*) go build "${flags[@]}" -o "$out/bin/${p%%=*}" "${p#*=}" ;;
            *) plain+=("$p") ;;
          esac
        done
        # One invocation for the rest: shared packages compile once, links run in parallel.
        [ ${#plain[@]} -eq 0 ] || go build "${flags[@]}" -o "$out/bin/" "${plain[@]}"
      )
      rm -rf "$src"
      touch "$out/.complete"
      printf 'build-tools: %-18s %-10s built in %ss  %s\n' "$name" "$VERSION" "$((SECONDS - start))" "$(du -sh "$out/bin" | cut -f1)"
    fi
    local b
    for b in "$out"/bin/*; do ln -sfn "$b" "$cache/bin/$(basename "$b")"; done
  )
}

# Module sources the live suites read at test time, inside a network namespace without the proxy
# (scripts/cluster/tools.ts goModuleDir): kwok's stages, the CRDs of Flagger and prometheus-operator.
# The cluster installs the CRDs when it starts, before the suite tools whose modules hold them are
# built (--cluster), so every run fetches them. Each is fetched inside the wrapper that requires
# it, so go.sum verifies it (outside a module `go mod download` asks the checksum database, which a
# cold cache has no copy of). Cached: no network.
SOURCE_MODULES=(kwok:sigs.k8s.io/kwok flagger:github.com/fluxcd/flagger prometheus-operator:github.com/prometheus-operator/prometheus-operator)

total=$SECONDS
for t in "${args[@]}"; do
  rm -f "$cache/$t.failed"
  echo $$ >"$cache/$t.building"
  marked+=("$t")
done
for t in "${args[@]}"; do
  current=$t
  build_one "$t"
  rm -f "$cache/$t.building"
done
current=
for m in "${SOURCE_MODULES[@]}"; do
  (cd "$repo/tools/${m%%:*}" && go mod download "${m#*:}") || { echo "build-tools: could not download ${m#*:} (tools/${m%%:*}/go.mod) from the Go module proxy" >&2; exit 1; }
done
echo "build-tools: done in $((SECONDS - total))s; binaries in $cache/bin ($(du -shL "$cache/bin" | cut -f1))"
