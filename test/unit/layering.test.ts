import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');

async function listSources(dir: string): Promise<string[]> {
	const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
	return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.join(entry.parentPath, entry.name));
}

const importPattern = /(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

async function importsOf(file: string): Promise<string[]> {
	const text = await fs.readFile(file, 'utf8');
	return [...text.matchAll(importPattern)].map((match) => match[1] ?? match[2] ?? match[3]);
}

test('core imports neither vscode nor outer layers', async () => {
	const offenders: string[] = [];
	for (const file of await listSources(path.join(root, 'src/core'))) {
		for (const specifier of await importsOf(file)) {
			const resolved = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier;
			const outer = ['src/vscode', 'src/webview', 'src/cli'].some((layer) => resolved.startsWith(path.join(root, layer)));
			if (specifier === 'vscode' || outer) {
				offenders.push(`${path.relative(root, file)} imports ${specifier}`);
			}
		}
	}
	assert.deepEqual(offenders, []);
});

test('webview imports no provider or vscode code', async () => {
	const offenders: string[] = [];
	for (const file of await listSources(path.join(root, 'src/webview'))) {
		for (const specifier of await importsOf(file)) {
			const resolved = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier;
			const allowedCore = resolved === path.join(root, 'src/core/chat/conversation') || resolved.startsWith(path.join(root, 'src/webview'));
			if (specifier === 'vscode' || (specifier.startsWith('.') && !allowedCore) || specifier.startsWith('node:')) {
				offenders.push(`${path.relative(root, file)} imports ${specifier}`);
			}
		}
	}
	assert.deepEqual(offenders, []);
});
