#!/usr/bin/env sh
# What `npm test` needs from Debian beyond Node: redis-server (the fit-genes queue tests start it on
# 127.0.0.1) and chromium (the browser bundle's test drives it through playwright-core). Installed on a
# fresh machine (as root, or with sudo) when missing, so that the README's test command needs nothing else.
missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "npm test: missing$missing and cannot install here (not root, no sudo): apt-get install$missing" >&2
  exit 1
fi
echo "npm test: installing$missing (Debian) for the queue and browser tests" >&2
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
