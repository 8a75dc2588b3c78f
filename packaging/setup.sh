#!/usr/bin/env bash
# Sets up hazdesk on a Debian/Ubuntu machine: system packages, a virtual environment in .venv and
# the package itself. Safe to run again: it installs only what is missing.
#   packaging/setup.sh          → what the desktop app needs
#   packaging/setup.sh --test   → also what the tests need (poppler, zbar, Xvfb, PostgreSQL, pytest…)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Qt's xcb/offscreen plugins need these shared libraries; the CJK font makes Chinese render
# (screens and PDFs) instead of empty boxes.
runtime_debs=(python3 python3-venv python3-pip libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1
  libfreetype6 libglib2.0-0 libxkbcommon0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0
  libxcb-shape0 libxcb-render-util0 libxcb-image0 fonts-wqy-microhei)
test_debs=(poppler-utils zbar-tools xvfb xauth postgresql)

debs=("${runtime_debs[@]}")
[ "$want_test" = 1 ] && debs+=("${test_debs[@]}")

missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "hazdesk setup: installing system packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${HAZDESK_PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "hazdesk needs Python 3.11 or newer (found $("$python" --version 2>&1)); set HAZDESK_PYTHON" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "hazdesk setup: creating .venv" >&2
  "$python" -m venv .venv
fi
extras=""
[ "$want_test" = 1 ] && extras="[test]"
# Reinstall only when the dependency list changed since the last setup.
stamp=".venv/.hazdesk-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)$extras"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "hazdesk setup: installing Python packages" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$wanted" > "$stamp"
fi
