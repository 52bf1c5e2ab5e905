#!/usr/bin/env sh
# The fit-genes queue tests start Debian's redis-server on 127.0.0.1: `npm test` installs it on a fresh
# machine (as root, or with sudo) when it is missing, so that the README's test command needs nothing else.
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "npm test: redis-server is missing and cannot be installed here (not root, no sudo): apt-get install redis-server" >&2
  exit 1
fi
echo "npm test: installing redis-server (Debian) for the fit-genes queue tests" >&2
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
