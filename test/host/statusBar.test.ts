import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLab, useProvider, waitFor } from './helpers';

// The independent oracle: OpenAI's Rust encoder compiled to WebAssembly, loaded from node_modules at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { get_encoding } = require('tiktoken') as typeof import('tiktoken');

function oracleCount(text: string): number {
	const encoding = get_encoding('o200k_base');
	try {
		return encoding.encode_ordinary(text).length;
	} finally {
		encoding.free();
	}
}

function countIn(text: string | undefined): number | undefined {
	const match = text?.match(/([\d,]+) tok/);
	return match ? Number(match[1].replace(/,/g, '')) : undefined;
}

suite('status bar token counter', () => {
	suiteSetup(async () => {
		await activateLab();
		// OpenAI's own host needs no connection here: the catalog gives gpt-4o's tokenizer and window.
		await useProvider({ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, 'gpt-4o');
	});

	test('counts the file, then follows edits', async () => {
		const api = await activateLab();
		const text = 'LLM Lab counts tokens with the model\'s own tokenizer.\n'.repeat(200) + 'const 数字 = 12345678901234;\n';
		const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
		const editor = await vscode.window.showTextDocument(document);

		const expected = oracleCount(text);
		const shown = await waitFor('the file count', () => api.tokenCountText(), (value) => countIn(value) === expected);
		assert.match(shown ?? '', /of 128k/);

		await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), 'Inserted words 👩‍👩‍👧 at the start. '));
		const edited = document.getText();
		await waitFor('the count after an edit', () => api.tokenCountText(), (value) => countIn(value) === oracleCount(edited));
	});

	test('counts the selection when there is one', async () => {
		const api = await activateLab();
		const document = await vscode.workspace.openTextDocument({ content: 'alpha beta gamma\ndelta epsilon zeta eta theta\n' });
		const editor = await vscode.window.showTextDocument(document);
		editor.selection = new vscode.Selection(1, 0, 1, 27);
		const selected = document.getText(editor.selection);
		await waitFor('the selection count', () => api.tokenCountText(), (value) => countIn(value) === oracleCount(selected));
	});
});
