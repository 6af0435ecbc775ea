#!/usr/bin/env bash
# Debian packages the tests need: Chromium and ChromeDriver (browser tests), a CJK font
# (readable screenshots, PDF fixtures) and LibreOffice Writer without a GUI (.doc notices,
# and the Word → PDF / .doc fixtures). Browsers are never downloaded by a test tool.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
   && command -v soffice >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要 root 或 sudo 来安装 chromium 与 libreoffice（apt-get）" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk \
  libreoffice-writer-nogui >/dev/null
