import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReportItemSnapshot } from '../../src/vscode/tokens/tokenReport';
import { activateLab, useProvider, waitFor } from './helpers';
import { oracleCount } from './tokensOracle';

const FOLDER = 'token-report';

const FILES: Record<string, string> = {
	'.gitignore': 'ignored/\n*.log\n',
	'notes.md': '# Notes\nThe report ranks files by tokens.\n',
	'src/main.ts': 'export function main(): number {\n\treturn 42;\n}\n'.repeat(20),
	'src/util.ts': 'export const pi = 3.14159;\n',
	'ignored/cache.txt': 'This folder is ignored by git.\n'.repeat(50),
	'debug.log': 'Log files are ignored by git.\n'.repeat(50),
	'hidden.skip.txt': 'files.exclude hides this file.\n'.repeat(50),
	'generated/out.txt': 'files.exclude hides this folder by its path.\n'.repeat(50),
};

async function write(relativePath: string, content: string | Uint8Array): Promise<vscode.Uri> {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the host tests need a workspace folder');
	const uri = vscode.Uri.joinPath(folder.uri, FOLDER, relativePath);
	await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
	return uri;
}

function find(items: ReportItemSnapshot[], label: string): ReportItemSnapshot | undefined {
	return items.find((item) => item.label === label);
}

/** Reads the token count at the start of a description such as `1,234 tokens · fits in 128k (1%)`. */
function tokensIn(description: string | undefined): number | undefined {
	const match = /^≈?([\d,]+) tokens/.exec(description ?? '');
	return match ? Number(match[1].replace(/,/g, '')) : undefined;
}

suite('Tokens view', () => {
	suiteSetup(async () => {
		await activateLab();
		await useProvider({ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, 'gpt-4o');
		await vscode.workspace
			.getConfiguration('files')
			.update('exclude', { '**/*.skip.txt': true, [`${FOLDER}/generated`]: true }, vscode.ConfigurationTarget.Global);
		for (const [path, text] of Object.entries(FILES)) {
			await write(path, text);
		}
		await write('image.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]));
	});

	suiteTeardown(async () => {
		await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
	});

	test('totals a folder without ignored files', async () => {
		const api = await activateLab();
		await api.tokens.tokenReport.refresh();

		const folder = find(api.tokens.tokenReport.snapshot(), FOLDER);
		assert.ok(folder, `no ${FOLDER} row in the Tokens view`);
		const expected = ['.gitignore', 'notes.md', 'src/main.ts', 'src/util.ts'].reduce(
			(sum, path) => sum + oracleCount(FILES[path]),
			0,
		);
		assert.equal(tokensIn(folder.description), expected);
		assert.match(folder.description ?? '', /fits in 128k/);
		const labels = folder.children.map((child) => child.label);
		assert.equal(labels.includes('ignored'), false);
		assert.equal(labels.includes('debug.log'), false);
		assert.equal(labels.includes('hidden.skip.txt'), false);
		assert.equal(labels.includes('generated'), false);
	});

	test('ranks children by tokens', async () => {
		const api = await activateLab();
		await api.tokens.tokenReport.idle();
		const folder = find(api.tokens.tokenReport.snapshot(), FOLDER);
		assert.deepEqual(
			folder?.children.map((child) => child.label),
			['src', 'notes.md', '.gitignore', 'image.bin'],
		);
		const src = find(folder?.children ?? [], 'src');
		assert.equal(tokensIn(find(src?.children ?? [], 'main.ts')?.description), oracleCount(FILES['src/main.ts']));
	});

	test('says a binary file is skipped', async () => {
		const api = await activateLab();
		await api.tokens.tokenReport.idle();
		const folder = find(api.tokens.tokenReport.snapshot(), FOLDER);
		assert.equal(find(folder?.children ?? [], 'image.bin')?.description, 'skipped: binary');
	});

	test('summary compares the workspace with the window', async () => {
		const api = await activateLab();
		await api.tokens.tokenReport.idle();
		const summary = api.tokens.tokenReport.snapshot()[0];
		assert.equal(summary.label, 'Workspace');
		assert.match(summary.description ?? '', /^[\d,]+ tokens · fits in 128k \([^)]+\) · \$/);
	});

	test('recounts only a changed file', async () => {
		const api = await activateLab();
		await api.tokens.tokenReport.idle();
		const before = api.tokens.tokenReport.countedFileCount();
		const added = 'export const e = 2.71828;\n'.repeat(30);
		await write('src/util.ts', FILES['src/util.ts'] + added);

		const expected = ['.gitignore', 'notes.md', 'src/main.ts'].reduce((sum, path) => sum + oracleCount(FILES[path]), 0) +
			oracleCount(FILES['src/util.ts'] + added);
		await waitFor(
			'the changed total',
			() => tokensIn(find(api.tokens.tokenReport.snapshot(), FOLDER)?.description),
			(tokens) => tokens === expected,
		);
		await api.tokens.tokenReport.idle();
		assert.equal(api.tokens.tokenReport.countedFileCount() - before, 1);
	});

	test('drops a deleted file', async () => {
		const api = await activateLab();
		const uri = await write('temporary.md', 'Deleted soon.\n');
		await waitFor(
			'the new file',
			() => find(find(api.tokens.tokenReport.snapshot(), FOLDER)?.children ?? [], 'temporary.md'),
			(item) => item !== undefined,
		);
		await vscode.workspace.fs.delete(uri);
		await waitFor(
			'the file to go',
			() => find(find(api.tokens.tokenReport.snapshot(), FOLDER)?.children ?? [], 'temporary.md'),
			(item) => item === undefined,
		);
	});
});
