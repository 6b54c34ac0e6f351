#!/bin/sh
# Install axe-core (npm), the accessibility engine that the portal's browser
# tests inject into its pages, into var/axe: var/axe/axe.min.js.
#   sh scripts/install_axe.sh [VERSION]
# Does nothing when that version is already there.
set -eu
VERSION=${1:-4.10.3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=$ROOT/var/axe
if [ -f "$DEST/axe.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || {
    echo "npm is needed to install axe-core (install Node.js and npm)" >&2
    exit 1
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tar -xzf "$TMP"/axe-core-*.tgz -C "$TMP"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$TMP/package/axe.min.js" "$TMP/package/LICENSE" "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
echo "axe-core $VERSION installed in $DEST"
