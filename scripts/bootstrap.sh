#!/usr/bin/env bash
# Set up everything Facilitator needs on Debian/Ubuntu, idempotently:
# the system packages that are missing, then the virtual environment in .venv.
# Usage: scripts/bootstrap.sh app|test     (sourced by ./run-app and ./run-tests)
set -euo pipefail

MODE="${1:-app}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

# libvlc plays the expert videos; libpulse0 is for QtMultimedia; the xcb libraries let
# Qt open windows under X11 or Xvfb; DejaVu gives the PDFs Welsh glyphs.
APP_PACKAGES=(
  libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output libpulse0
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  python3 python3-venv
)
# The tests also need a virtual screen, ffprobe, pdftoppm, a screen grabber, and a real
# browser for the phone-voting page (Playwright drives Debian's, it downloads none).
TEST_PACKAGES=(xvfb xauth ffmpeg poppler-utils imagemagick x11-apps
  chromium chromium-headless-shell sqlite3)

wanted=("${APP_PACKAGES[@]}")
if [ "$MODE" = "test" ]; then wanted+=("${TEST_PACKAGES[@]}"); fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
      missing+=("$pkg")
    fi
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "facilitator: installing system packages: ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "facilitator: run this as root, or install: ${missing[*]}" >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "facilitator: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when pyproject.toml or the mode changed.
STAMP="$VENV/.facilitator-$MODE-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
  echo "facilitator: installing Python packages ($MODE)" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip>=25.1"
  if [ "$MODE" = "test" ]; then
    "$VENV/bin/python" -m pip install -q -e "$ROOT" --group "$ROOT/pyproject.toml:dev"
  else
    "$VENV/bin/python" -m pip install -q -e "$ROOT"
  fi
  rm -f "$VENV"/.facilitator-"$MODE"-*
  touch "$STAMP"
fi

# Byte-compile the app (as a wheel install does), so a launch never spends its first
# paint compiling sources; quick when nothing changed.
"$VENV/bin/python" -m compileall -q "$ROOT/facilitator" >/dev/null || true

# The Welsh translation: build i18n/build/facilitator_cy.ts and .qm from i18n/cy.po
# (i18n/README.md). The app also reads cy.po directly, so a failure here only warns.
"$VENV/bin/python" "$ROOT/scripts/translations.py" --compile >/dev/null \
  || echo "facilitator: could not compile the Welsh translation (the app reads i18n/cy.po instead)" >&2
