#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that has only a loopback interface:
#
#   scripts/cluster/isolated.sh <command> [args...]      (npm run test:cluster uses it for jest)
#
# Why: Flagger and its loadtester listen on ":<port>", every interface, with no bind flag
# (flagger pkg/server/server.go:38, loadtester pkg/loadtester/server.go:242), and the loadtester
# runs any shell command POSTed to it, unauthenticated (pkg/loadtester/server.go:309). Inside this
# namespace "every interface" is 127.0.0.1 of a namespace nothing else can reach, and the whole
# live suite (API server, Flagger, Prometheus, Alertmanager, the test's stand-ins) talks over it.
# The namespace dies with the command, and with it every port anything in it opened.
#
# Needs CAP_SYS_ADMIN (root), or unprivileged user namespaces (then `unshare -r -n`). Where
# neither is allowed (some CI containers), the command runs un-isolated with
# AGENTASKIT_NETWORK_ISOLATED unset: the suites that start Flagger or the loadtester then fail
# with a message saying so (scripts/cluster/network.ts), the others run as before.
# The Go build (build-tools.sh) needs the network and must run before, outside.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }

inner='ip link set lo up && AGENTASKIT_NETWORK_ISOLATED=1 exec "$@"'
if ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
  echo "isolated: unshare (util-linux) or ip (iproute2) missing: running without a network namespace; the Flagger suites will fail and say why" >&2
  exec "$@"
fi
if unshare -n true 2>/dev/null; then
  exec unshare -n -- bash -c "$inner" isolated "$@"
elif unshare -r -n true 2>/dev/null; then
  exec unshare -r -n -- bash -c "$inner" isolated "$@"
fi
echo "isolated: cannot create a network namespace here (unshare -n: $(unshare -n true 2>&1 | head -n1)); running without one: the Flagger suites will fail and say why" >&2
exec "$@"
