#!/usr/bin/env bash
# Print the path of a Python >= 3.13.2 (needed by Home Assistant 2026.2.x), building one
# from Debian trixie's python3.13 source package when the machine has none.
# The build (~4 min on 2 cores) is cached in ~/.cache/ha-python/3.13 and reused.
# Progress goes to stderr; stdout carries only the interpreter path.
set -euo pipefail

ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 13, 2) or sys.version_info >= (3, 14))' 2>/dev/null; }

for c in "${PYTHON_NEW:-}" /usr/bin/python3.13 "$HOME/.cache/ha-python/3.13/bin/python3.13"; do
  if [ -n "$c" ] && [ -x "$c" ] && ok "$c"; then echo "$c"; exit 0; fi
done

cache="$HOME/.cache/ha-python"
prefix="$cache/3.13"
work="$cache/build"
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/src"

# A private apt configuration with a single deb-src line for trixie on the archive host
# this machine already uses: it fetches only that source package and leaves the system's
# package lists alone.
host=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)
host=${host:-http://deb.debian.org/debian}
echo "deb-src ${host%/} trixie main" > "$work/apt/sources.list"
cat > "$work/apt/apt.conf" <<CONF
Dir::Etc::SourceList "$work/apt/sources.list";
Dir::Etc::SourceParts "-";
Dir::State "$work/apt";
Dir::State::Lists "$work/apt/lists";
Dir::Cache "$work/apt";
Dir::Cache::Archives "$work/apt/archives";
APT::Get::AllowUnauthenticated "false";
CONF
echo "fetching python3.13 sources from trixie ($host)..." >&2
APT_CONFIG="$work/apt/apt.conf" apt-get -qq update >&2
(cd "$work/src" && rm -rf python3.13-* && APT_CONFIG="$work/apt/apt.conf" apt-get -qq source --download-only python3.13 >&2)
tarball=$(ls "$work/src"/python3.13_*.orig.tar.xz | head -n 1)
rm -rf "$work/tree" && mkdir -p "$work/tree"
tar -xf "$tarball" -C "$work/tree" --strip-components=1
echo "building $(basename "$tarball") into $prefix (a few minutes)..." >&2
(
  cd "$work/tree"
  ./configure --prefix="$prefix" --without-ensurepip --disable-test-modules >"$work/configure.log" 2>&1
  make -j"$(nproc)" >"$work/make.log" 2>&1
  make altinstall >"$work/install.log" 2>&1
)
"$prefix/bin/python3.13" -m ensurepip --upgrade >/dev/null 2>&1 || true
rm -rf "$work/tree"
ok "$prefix/bin/python3.13" || { echo "the built Python is not usable" >&2; exit 1; }
echo "$prefix/bin/python3.13"
