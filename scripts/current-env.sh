# Shared by scripts/setup-current and scripts/current (sourced, not run): where the
# environments of the current Home Assistant release live and how to enter them.

INTECULAR_CACHE=${INTECULAR_CACHE:-$HOME/.cache/intecular}
SUITE=${INTECULAR_SUITE:-sid}
ROOTFS=$INTECULAR_CACHE/$SUITE-rootfs
# The Debian archive this machine already uses (deb.debian.org when none is configured).
MIRROR=${INTECULAR_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
  /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -E '^(URIs:|deb )' \
  | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

host_python() {  # a Python >= 3.14.2 of the machine's own, if it has one
  local c
  for c in "${PYTHON_CURRENT:-}" python3.14 python3.15 python3; do
    c=$(command -v "$c" 2>/dev/null) || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 14, 2))' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

in_rootfs() {  # run a command in the root filesystem with a clean environment (root only)
  local pip_env=() v
  while IFS= read -r v; do pip_env+=("$v"); done < <(env | grep -E '^PIP_' || true)
  chroot "$ROOTFS" env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive "${pip_env[@]}" "$@"
}
