#!/usr/bin/env bash
# Installs the Prometheus tool binaries the tests run against into the project-local .tools/:
#
#   .tools/bin/prometheus    Prometheus server   (Debian package `prometheus`, 2.42 on bookworm)
#   .tools/bin/promtool      rule tests, TSDB backfill (same package)
#   .tools/bin/amtool        Alertmanager routing tests (Debian package `prometheus-alertmanager`)
#   .tools/bin/alertmanager  Alertmanager server (Debian names it /usr/bin/prometheus-alertmanager)
#   .tools/deb/usr/lib/python3/dist-packages/yaml   PyYAML (Debian package `python3-yaml`), the
#                            YAML 1.1 reader the output tests load every manifest with (as Ansible
#                            and checkov do); run with the system python3 and this PYTHONPATH
#
# Why not `apt-get install`: that needs root, pulls ~10 libjs-* web-UI dependencies we don't
# need and, via maintainer scripts, creates a system user and enables daemons. The binaries are
# static-ish Go executables (only libc), so `apt-get download` + `dpkg-deb -x` into .tools/ is
# enough, works without root when apt lists exist, and starts nothing.
#
# Idempotent: when every tool in .tools/bin already answers `--version`, nothing is downloaded.
# `apt-get update` is run only when the package lists are empty or the download fails.
# Env: AGENTASKIT_TOOLS_DIR overrides the target folder (default <repo>/.tools).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=$(realpath -m "${AGENTASKIT_TOOLS_DIR:-$repo/.tools}")  # absolute: we cd into a temp dir below
bin=$tools/bin
root=$tools/deb             # extracted package trees (usr/bin/..., usr/share/...)
marker=$root/.agentaskit-tools  # proves $root is ours before we rm -rf it
packages=(prometheus prometheus-alertmanager python3-yaml)
# PyYAML's folder inside the extracted packages (test/support/tools.ts reads the same path).
pylib=$root/usr/lib/python3/dist-packages
# name in .tools/bin -> path inside the extracted packages
declare -A links=(
  [prometheus]=usr/bin/prometheus
  [promtool]=usr/bin/promtool
  [amtool]=usr/bin/amtool
  [alertmanager]=usr/bin/prometheus-alertmanager
)

print_versions() {
  local name
  for name in prometheus promtool amtool alertmanager; do
    # First line only, e.g. "promtool, version 2.42.0+ds (branch: debian/sid, ...)"
    printf '%-13s %s\n' "$name" "$("$bin/$name" --version 2>&1 | head -n1)"
  done
  printf '%-13s %s\n' pyyaml "$(PYTHONPATH=$pylib python3 -c 'import yaml; print(yaml.__version__)' 2>&1 | tail -n1)"
}

all_present() {
  local name
  for name in "${!links[@]}"; do
    "$bin/$name" --version >/dev/null 2>&1 || return 1
  done
  # PyYAML from .tools itself, not whatever the system python3 happens to have.
  [[ -f $pylib/yaml/__init__.py ]] && PYTHONPATH=$pylib python3 -c 'import yaml' >/dev/null 2>&1
}

if all_present; then
  print_versions
  exit 0
fi

have_lists() {
  # Any "*_Packages*" index (possibly lz4/xz compressed) means `apt-get update` ran at least once.
  # Ask apt where its lists live (honours APT_CONFIG / Dir::State::Lists) instead of hard-coding.
  local LISTS=/var/lib/apt/lists/
  eval "$(apt-config shell LISTS Dir::State::Lists/d)"
  compgen -G "${LISTS%/}/*_Packages*" >/dev/null
}

apt_update() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-tools: apt package lists are missing or stale; run 'sudo apt-get update' and retry" >&2
    exit 1
  fi
  echo "install-tools: running apt-get update" >&2
  apt-get update -qq
}

download() { # into the current directory
  local opts=(-qq)
  # As root, apt drops privileges to `_apt` for downloads, which cannot write to a root-owned
  # temp dir and then warns ("Download is performed unsandboxed"). Downloading as root is fine
  # here, so say so explicitly and keep the output quiet.
  [[ $(id -u) -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
  apt-get download "${opts[@]}" "${packages[@]}"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

have_lists || apt_update
if ! download; then
  # Usually "Unable to locate package" / 404 because the lists are stale; refresh once.
  apt_update
  download
fi

if [[ -e $root && ! -e $marker ]]; then
  echo "install-tools: refusing to replace $root: not created by this script" >&2
  exit 1
fi
rm -rf "$root"
mkdir -p "$root" "$bin"
touch "$marker"
for deb in ./*.deb; do
  dpkg-deb -x "$deb" "$root"
  echo "install-tools: extracted $(basename "$deb")" >&2
done

# Relative symlinks so the whole .tools/ folder can be moved or cached as one unit in CI.
for name in "${!links[@]}"; do
  target=$root/${links[$name]}
  [[ -x $target ]] || { echo "install-tools: $target missing from package" >&2; exit 1; }
  ln -sfn "../deb/${links[$name]}" "$bin/$name"
done

all_present || { echo "install-tools: installed binaries do not run" >&2; exit 1; }
print_versions
