#!/bin/sh
# Install the browser of the end-to-end tests: Debian's chromium and its
# chromedriver.  Does nothing when they are there already.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "The browser tests need Debian's chromium and chromium-driver:" \
            "apt-get install chromium chromium-driver (as root)" >&2
        exit 1
    fi
else
    SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium chromium-driver >/dev/null
