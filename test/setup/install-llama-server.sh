#!/usr/bin/env bash
# Build llama.cpp's llama-server and a tiny random-weight GGUF model for the tests, offline.
#
# The llama.cpp source comes from the npm package node-llama-cpp, which ships it as a git bundle.
# The binary is cached per llama.cpp commit, so only the first run builds: about 6 minutes on
# 2 cores, measured while code-server installed alongside. Writes $LLM_LAB_CACHE/llama-server.json
# with the paths that test/fixtures/llama-server.ts reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$REPO_ROOT/test/setup/install-apt.sh"

package_dir=$LLM_LAB_CACHE/node-llama-cpp-$NODE_LLAMA_CPP_VERSION
bundle=$package_dir/node_modules/node-llama-cpp/llama/gitRelease.bundle

install_package() {
	if [ -f "$bundle" ]; then
		return 0
	fi
	log "npm i node-llama-cpp@$NODE_LLAMA_CPP_VERSION into $package_dir"
	rm -rf "$package_dir.tmp"
	mkdir -p "$package_dir.tmp"
	echo '{"private": true}' >"$package_dir.tmp/package.json"
	# Only the source bundle is needed: skip the install script and the prebuilt GPU binaries.
	(cd "$package_dir.tmp" && npm i -E --no-audit --no-fund --ignore-scripts --omit=optional \
		"node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >/dev/null)
	rm -rf "$package_dir"
	mv "$package_dir.tmp" "$package_dir"
}
export -f log install_package
export package_dir bundle NODE_LLAMA_CPP_VERSION
with_cache_lock node-llama-cpp bash -c install_package

if [ ! -f "$bundle" ]; then
	log "missing $bundle after installing node-llama-cpp@$NODE_LLAMA_CPP_VERSION"
	exit 1
fi

commit=$(git bundle list-heads "$bundle" | awk 'NR == 1 { print $1 }')
if [ -z "$commit" ]; then
	log "no commit found in $bundle"
	exit 1
fi
llama_dir=$LLM_LAB_CACHE/llama.cpp/$commit
source_dir=$llama_dir/src
server_binary=$llama_dir/bin/llama-server

clone_source() {
	if [ -f "$source_dir/CMakeLists.txt" ]; then
		return 0
	fi
	log "git clone llama.cpp $commit from the bundle"
	rm -rf "$source_dir.tmp"
	git -c advice.detachedHead=false clone -q "$bundle" "$source_dir.tmp"
	git -C "$source_dir.tmp" -c advice.detachedHead=false checkout -q "$commit"
	rm -rf "$source_dir"
	mv "$source_dir.tmp" "$source_dir"
}

build_server() {
	if [ -x "$server_binary" ]; then
		return 0
	fi
	clone_source
	local build_dir=$llama_dir/build
	local started=$SECONDS
	log "building llama-server $commit (about 6 minutes on 2 cores, log in $llama_dir/build.log)"
	# GGML_NATIVE=OFF gives a portable build, which also compiles about twice as fast.
	cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
		-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON \
		-DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF >"$llama_dir/build.log" 2>&1 ||
		{ tail -n 30 "$llama_dir/build.log" >&2; return 1; }
	cmake --build "$build_dir" --target llama-server -j2 >>"$llama_dir/build.log" 2>&1 ||
		{ tail -n 30 "$llama_dir/build.log" >&2; return 1; }
	mkdir -p "$llama_dir/bin"
	cp "$build_dir/bin/llama-server" "$server_binary.tmp"
	mv "$server_binary.tmp" "$server_binary"
	rm -rf "$build_dir"
	log "built $server_binary in $((SECONDS - started)) s"
}

mkdir -p "$llama_dir"
export -f log clone_source build_server
export commit bundle llama_dir source_dir server_binary
with_cache_lock "llama.cpp-$commit" bash -c build_server

# The model only depends on the vocab file and the writer script, so it is keyed by both.
vocab=$source_dir/models/ggml-vocab-llama-bpe.gguf
writer=$REPO_ROOT/test/setup/make-tiny-gguf.py
model_key=$(cat "$vocab" "$writer" | sha256sum | cut -c1-16)
model=$LLM_LAB_CACHE/models/tiny-llama-bpe-$model_key.gguf

make_model() {
	if [ -f "$model" ]; then
		return 0
	fi
	local python
	python=$(python_with_numpy)
	log "writing tiny model $model"
	mkdir -p "$(dirname "$model")"
	"$python" "$writer" --gguf-py "$source_dir/gguf-py" --vocab "$vocab" --output "$model.tmp"
	mv "$model.tmp" "$model"
}
export -f python_with_numpy make_model
export vocab writer model
with_cache_lock models bash -c make_model

manifest=$LLM_LAB_CACHE/llama-server.json
printf '{\n\t"binary": "%s",\n\t"model": "%s",\n\t"llamaCppCommit": "%s"\n}\n' \
	"$server_binary" "$model" "$commit" >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
log "llama-server ready: $manifest"
