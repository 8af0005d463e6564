// Builds the extension host bundle, the command line, the token-count worker and the webview bundles.
// Usage: node esbuild.js [--production] [--watch] [--tests]
const esbuild = require('esbuild');
const path = require('node:path');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

/** Prints each build's errors in the format of VS Code's esbuild problem matcher. */
const problemMatcherPlugin = {
	name: 'problem-matcher',
	setup(build) {
		build.onStart(() => console.log('[watch] build started'));
		build.onEnd((result) => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) {
					console.error(`    ${location.file}:${location.line}:${location.column}:`);
				}
			}
			console.log('[watch] build finished');
		});
	},
};

const common = {
	bundle: true,
	minify: production,
	sourcemap: !production,
	sourcesContent: false,
	logLevel: 'warning',
	plugins: [problemMatcherPlugin],
	metafile: true,
};

const nodeCommon = {
	...common,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	external: ['vscode'],
	// jsonc-parser's main build is UMD, whose require calls esbuild cannot follow; its ES module build bundles.
	alias: { 'jsonc-parser': path.join(__dirname, 'node_modules/jsonc-parser/lib/esm/main.js') },
};

function listTestEntries() {
	const dir = path.join(__dirname, 'test', 'host');
	return fs
		.readdirSync(dir)
		.filter((name) => name.endsWith('.ts'))
		.map((name) => path.join('test', 'host', name));
}

const builds = [
	{ ...nodeCommon, entryPoints: ['src/vscode/extension.ts'], outfile: 'out/extension.js' },
	{ ...nodeCommon, entryPoints: ['src/core/tokens/worker.ts'], outfile: 'out/token-worker.js' },
	// Loaded by the extension on the first request, so that activation does not parse the provider libraries.
	{ ...nodeCommon, entryPoints: ['src/core/providers/index.ts'], outfile: 'out/providers.js' },
	// Loaded on the first comparison, so that activation does not parse the encodings, Ajv and the CSV parser.
	{ ...nodeCommon, entryPoints: ['src/vscode/compare/engine.ts'], outfile: 'out/compare-engine.js' },
	{
		...nodeCommon,
		entryPoints: ['src/cli/main.ts'],
		outfile: 'out/cli.js',
		banner: { js: '#!/usr/bin/env node' },
	},
	{
		...common,
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
		entryPoints: ['src/webview/chat/main.ts'],
		outfile: 'out/webview/chat.js',
	},
	{
		...common,
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
		entryPoints: ['src/webview/compare/main.ts'],
		outfile: 'out/webview/compare.js',
	},
];

if (withTests) {
	builds.push({
		...nodeCommon,
		entryPoints: listTestEntries(),
		outdir: 'out/test/host',
		external: ['vscode', 'mocha', 'tiktoken'],
	});
}

async function main() {
	const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
	if (watch) {
		await Promise.all(contexts.map((context) => context.watch()));
		return;
	}
	const results = await Promise.all(contexts.map((context) => context.rebuild()));
	await Promise.all(contexts.map((context) => context.dispose()));
	for (const result of results) {
		for (const [file, output] of Object.entries(result.metafile.outputs)) {
			if (!file.endsWith('.map')) {
				console.log(`${file}\t${(output.bytes / 1024).toFixed(1)} KiB`);
			}
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
