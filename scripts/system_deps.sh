#!/usr/bin/env bash
# Debian packages the project needs. `run`: a Python that can make a venv,
# Chromium and CJK fonts (server-side PDFs: the 督办单, chart exports).
# `test`: also PostgreSQL and Redis (server binaries, started by the tests
# themselves) and Chromium's driver.
# As root the missing ones are installed; otherwise the command to run is printed.
set -euo pipefail
purpose="${1:-run}"

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v chromium >/dev/null || missing+=(chromium)
# (not `fc-list | grep -q`: grep quitting early fails the pipe under pipefail)
[ -n "$(fc-list ':family=Noto Sans CJK SC' 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
if [ "$purpose" = test ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v redis-server >/dev/null || missing+=(redis-server)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
  echo "请运行 / please run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
