#!/usr/bin/env bash
# Installs what the browser and mail tests need beyond the Swift toolchain: Debian's headless
# Chromium and its WebDriver, and a Python venv (.venv-tests/) with selenium and aiosmtpd from
# PyPI. .ci/run calls this; on a developer machine run it once (as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
if [ "${1:-}" != "--no-apt" ]; then
    $SUDO apt-get install -y --no-install-recommends chromium chromium-driver python3-venv ca-certificates
fi
venv=.venv-tests
if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium>=4.15,<5" "aiosmtpd>=1.4,<2"
"$venv/bin/python" -c "import selenium, aiosmtpd; print('test venv ready: selenium', selenium.__version__)"
