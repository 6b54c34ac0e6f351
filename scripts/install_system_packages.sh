#!/bin/sh
# Install the Debian packages the tests use: chromium and chromedriver (the
# browser tests), softhsm2 (the PKCS#11 token of the signature tests),
# poppler-utils (pdfsig, an independent signature checker) and
# fonts-liberation2 (a serif font covering Vietnamese for PDF stamps).
# Does nothing when they are all there.
set -eu
missing=
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
command -v softhsm2-util >/dev/null 2>&1 || missing="$missing softhsm2"
command -v pdfsig >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] \
    || missing="$missing fonts-liberation2"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "The tests need these Debian packages:$missing" \
            "(apt-get install$missing, as root)" >&2
        exit 1
    fi
else
    SUDO=
fi
echo "Installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing \
    >/dev/null
