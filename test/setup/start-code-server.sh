#!/usr/bin/env bash
# Build LLM Lab, install it into a code-server extensions dir and start code-server on 127.0.0.1 for manual use.
# Open the printed URL in a browser. Settings and state persist in $LLM_LAB_CACHE/start between runs.
#
# Usage: npm start [-- FOLDER]   (FOLDER defaults to the repository root; PORT sets the port, default 8080)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

port=${PORT:-8080}
workspace=$(realpath "${1:-$REPO_ROOT}")

bash test/setup/install-code-server.sh
if [ ! -d node_modules ]; then
	log 'npm ci'
	npm ci --no-audit --no-fund
fi

log 'building the extension'
node esbuild.js

# Install the way VS Code unpacks a .vsix: a folder named publisher.name-version with the manifest and the bundles.
# The bundles contain the dependencies, so node_modules is not copied.
extension_id=$(node -p "const p = require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")
state_dir=$LLM_LAB_CACHE/start
extensions_dir=$state_dir/extensions
extension_dir=$extensions_dir/$extension_id
rm -rf "$extension_dir"
mkdir -p "$extension_dir" "$state_dir/user-data" "$state_dir/config"
for entry in package.json out media README.md CHANGELOG.md LICENSE; do
	if [ -e "$entry" ]; then
		cp -R "$entry" "$extension_dir/"
	fi
done
# VS Code caches the list of installed extensions, so remove the cache to make it scan the folder again.
rm -f "$extensions_dir/extensions.json"
log "installed $extension_id into $extensions_dir"

config_file=$state_dir/config/config.yaml
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" >"$config_file"

echo
echo "LLM Lab in code-server: http://127.0.0.1:$port/?folder=$workspace"
echo 'Press Ctrl+C to stop.'
echo
PATH=$NODE24_BIN:$PATH exec "$CODE_SERVER_BIN" \
	--config "$config_file" \
	--bind-addr "127.0.0.1:$port" \
	--auth none \
	--disable-telemetry \
	--disable-update-check \
	--disable-workspace-trust \
	--extensions-dir "$extensions_dir" \
	--user-data-dir "$state_dir/user-data" \
	"$workspace"
