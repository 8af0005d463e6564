#!/usr/bin/env bash
# Install the Debian packages that the tests need: Chromium for the browser that drives
# code-server, a C/C++ toolchain and cmake for llama-server and code-server's native modules,
# the Kerberos headers for code-server's `kerberos` module, curl, and numpy for the GGUF writer.
# Runs `apt-get update` once, and only when a package is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

missing=()
for package in chromium build-essential python3 libkrb5-dev cmake curl git; do
	if ! dpkg -s "$package" >/dev/null 2>&1; then
		missing+=("$package")
	fi
done

# The GGUF writer runs under the first python3 on PATH, which may be a python3 other than
# Debian's. Debian's numpy only helps when that python3 is Debian's own.
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import numpy' >/dev/null 2>&1; then
	if ! dpkg -s python3-numpy >/dev/null 2>&1; then
		missing+=(python3-numpy)
	fi
fi

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	log "missing Debian packages: ${missing[*]}; run as root or install them with apt-get"
	exit 1
fi

log "apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
