#!/usr/bin/env bash
# macOS: build Facilitator.app and a .dmg to drag it from (run on a Mac, in the repo).
#
#   packaging/macos/build-dmg.sh
#
# Needs Python 3.11 (python.org or Homebrew) and, to bundle VLC, VLC.app in
# /Applications (or VLC_DIR=/path/to/VLC.app/Contents/MacOS). Without VLC the app plays
# the videos with Qt's player. Produces dist/Facilitator.app and
# dist/Facilitator-<version>.dmg.
#
# Signing and notarisation (needed so Gatekeeper opens the app without a warning) take
# an Apple Developer ID; set CODESIGN_IDENTITY="Developer ID Application: …" and, for
# notarisation, NOTARY_PROFILE (a profile stored with `xcrun notarytool
# store-credentials`). Unsigned, the app opens with right-click → Open the first time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON311:-python3.11}"
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade "pip>=25.1"
.venv/bin/python -m pip install -q -e . --group pyproject.toml:build
PYTHON="$ROOT/.venv/bin/python" scripts/build-bundle
APP="dist/Facilitator.app"
VERSION="$(.venv/bin/python -c 'import facilitator; print(facilitator.__version__)')"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  # Sign inside out: every library and plugin (VLC's too), then the app.
  find "$APP/Contents" -type f \( -name '*.dylib' -o -name '*.so' \) -print0 \
    | xargs -0 codesign --force --timestamp --options runtime --sign "$CODESIGN_IDENTITY"
  codesign --force --timestamp --options runtime \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict "$APP"
fi

STAGE="$(mktemp -d)"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/Facilitator-$VERSION.dmg"
rm -f "$DMG"
hdiutil create -volname "Facilitator $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"

if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "built $DMG ($(du -sm "$DMG" | cut -f1) MB)"
