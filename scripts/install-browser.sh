#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver (and a CJK font for readable screenshots) for the
# browser tests. Browsers are never downloaded by a test tool.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
   && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要 root 或 sudo 来安装 chromium（apt-get）" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
