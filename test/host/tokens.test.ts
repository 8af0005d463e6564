import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LlmLabApi } from '../../src/vscode/extension';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { CORPUS } from '../fixtures/gguf-corpus';
import { findLlamaCppSource, listVocabFiles, type ReferenceFile } from '../fixtures/llama-reference';
import { activateLab, useProvider, waitFor } from './helpers';
import { oracleCount, oracleTokens } from './tokensOracle';

const SAMPLE_LINES = [
	'LLM Lab shows where one token ends and the next begins.',
	'const total = items.reduce((sum, item) => sum + item.price, 0);',
	'词元化把文本切成模型能读的单位。',
	'Family 👩‍👩‍👧‍👦 and flag 🏳️‍🌈 emoji, then digits 3141592653589793.',
	'\t\tindented   with   runs of spaces   ',
	'Typed special tokens: <|endoftext|> <|im_start|>user',
];

/** Returns a workspace file's URI after writing `text` to it. */
async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the host tests need a workspace folder');
	const uri = vscode.Uri.joinPath(folder.uri, relativePath);
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
	return uri;
}

async function showTokenView(api: LlmLabApi): Promise<void> {
	if (!api.tokens.tokenView.isEnabled()) {
		await vscode.commands.executeCommand('llmLab.toggleTokenView');
	}
}

/** Waits until the token view has drawn the current version of `document`, then returns what it shows. */
function drawnState(api: LlmLabApi, document: vscode.TextDocument, accept: (start: number) => boolean = () => true) {
	return waitFor(
		'the token view to draw',
		() => api.tokens.tokenView.state(),
		(state) =>
			state?.uri === document.uri.toString() &&
			state.version === document.version &&
			state.ranges.length > 0 &&
			accept(state.ranges[0].start),
	);
}

suite('token view', () => {
	suiteSetup(async () => {
		await activateLab();
		await useProvider({ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, 'gpt-4o');
	});

	suiteTeardown(async () => {
		const api = await activateLab();
		if (api.tokens.tokenView.isEnabled()) {
			await vscode.commands.executeCommand('llmLab.hideTokenView');
		}
	});

	test('decorates every token of a short file', async () => {
		const api = await activateLab();
		const text = `${SAMPLE_LINES.join('\n')}\n`;
		const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
		await vscode.window.showTextDocument(document);
		await showTokenView(api);

		const state = await drawnState(api, document);
		assert.equal(state?.spans.length, oracleCount(text));
		assert.deepEqual(
			state?.spans.map((span) => span.id),
			oracleTokens(text).map((token) => token.id),
		);
	});

	test('decorates the visible range of a long file', async () => {
		const api = await activateLab();
		const lines: string[] = [];
		for (let line = 0; line < 4000; line++) {
			lines.push(`${line}: ${SAMPLE_LINES[line % SAMPLE_LINES.length]}`);
		}
		const text = lines.join('\n');
		const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
		const editor = await vscode.window.showTextDocument(document);
		await showTokenView(api);
		editor.revealRange(new vscode.Range(2000, 0, 2000, 0), vscode.TextEditorRevealType.AtTop);

		const state = await drawnState(api, document, (start) => start > 0);
		const visibleStart = document.offsetAt(editor.visibleRanges[0].start);
		assert.ok(state?.ranges.some((range) => range.start <= visibleStart && visibleStart < range.end), 'the visible start is not decorated');
		const all = oracleTokens(text);
		const expected = all.filter((token) => state?.ranges.some((range) => token.end > range.start && token.start < range.end));
		assert.equal(state?.spans.length, expected.length);
		assert.deepEqual(
			state?.spans.map((span) => [span.id, span.start]),
			expected.map((token) => [token.id, token.start]),
		);
		assert.ok((state?.spans.length ?? 0) < all.length / 10, 'more than the visible range was decorated');
	});

	test('hover shows the token id and text', async () => {
		const api = await activateLab();
		const text = 'Tokens have ids. 中文 too.\n';
		const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
		await vscode.window.showTextDocument(document);
		await showTokenView(api);
		await drawnState(api, document);

		const token = oracleTokens(text).find((candidate) => text.slice(candidate.start, candidate.end) === ' ids');
		assert.ok(token, 'the oracle has no " ids" token');
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
			'vscode.executeHoverProvider',
			document.uri,
			document.positionAt(token.start + 2),
		);
		const markdown = hovers
			.flatMap((hover) => hover.contents)
			.map((content) => (typeof content === 'string' ? content : content.value))
			.join('\n');
		assert.match(markdown, new RegExp(`Token ${token.id}\\*\\* \`·ids\``));
		assert.match(markdown, /Visible: \d+ tokens · File: \d+ tokens/);
	});
});

suite('inline token counts', () => {
	suiteSetup(async () => {
		await activateLab();
		await useProvider({ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, 'gpt-4o');
	});

	/** Returns the resolved CodeLens titles of LLM Lab's counts by line. */
	async function countTitles(uri: vscode.Uri): Promise<Map<number, string>> {
		const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 1000);
		const titles = new Map<number, string>();
		for (const lens of lenses) {
			if (lens.command?.command === 'llmLab.compareTokenizers') {
				titles.set(lens.range.start.line, lens.command.title);
			}
		}
		return titles;
	}

	test('counts each JSONL line', async () => {
		const lines = SAMPLE_LINES.map((line, index) => JSON.stringify({ messages: [{ role: 'user', content: line }], id: index }));
		const uri = await writeWorkspaceFile('inline-counts/data.jsonl', `${lines.join('\n')}\n`);
		await vscode.window.showTextDocument(uri);

		const titles = await countTitles(uri);
		assert.equal(titles.size, lines.length);
		for (const [index, line] of lines.entries()) {
			assert.equal(titles.get(index), `${oracleCount(line)} tokens`, `line ${index + 1}`);
		}
	});

	test('counts only visible lines of a large JSONL file', async () => {
		const lines: string[] = [];
		for (let index = 0; index < 50_000; index++) {
			lines.push(JSON.stringify({ id: index, prompt: SAMPLE_LINES[index % SAMPLE_LINES.length] }));
		}
		const uri = await writeWorkspaceFile('inline-counts/large.jsonl', `${lines.join('\n')}\n`);
		const editor = await vscode.window.showTextDocument(uri);
		editor.revealRange(new vscode.Range(40_000, 0, 40_000, 0), vscode.TextEditorRevealType.AtTop);
		await waitFor('the scroll', () => editor.visibleRanges[0]?.start.line ?? 0, (line) => line >= 39_990);

		const titles = await countTitles(uri);
		assert.ok(titles.size > 0, 'no counts near line 40,000');
		assert.ok(titles.size < 1000, `${titles.size} lines counted of 50,000`);
		const visibleLine = editor.visibleRanges[0].start.line + 1;
		assert.equal(titles.get(visibleLine), `${oracleCount(lines[visibleLine])} tokens`);
	});

	test('counts each Markdown section', async () => {
		const text = ['# Guide', 'Intro text.', '', '## Setup', 'Run `npm ci`.', '', '## Usage', '```md', '# not a heading', '```', 'Done.', ''].join('\n');
		const uri = await writeWorkspaceFile('inline-counts/guide.md', text);
		await vscode.window.showTextDocument(uri);

		const titles = await countTitles(uri);
		const setupStart = text.indexOf('## Setup');
		const usageStart = text.indexOf('## Usage');
		assert.equal(titles.get(0), `${oracleCount(text)} tokens`);
		assert.equal(titles.get(3), `${oracleCount(text.slice(setupStart, usageStart))} tokens`);
		assert.equal(titles.get(6), `${oracleCount(text.slice(usageStart))} tokens`);
		assert.equal(titles.has(8), false);
	});

	test('counts each prompt file message', async () => {
		const text = '## system\nYou answer in one sentence.\n\n## user\nWhat is a token?\n';
		const uri = await writeWorkspaceFile('inline-counts/question.prompt.md', text);
		await vscode.window.showTextDocument(uri);

		const titles = await countTitles(uri);
		assert.equal(titles.get(0), `system · ${oracleCount('You answer in one sentence.')} tokens`);
		assert.equal(titles.get(3), `user · ${oracleCount('What is a token?')} tokens`);
	});

	test('shows inlay hints when set to', async () => {
		const config = vscode.workspace.getConfiguration('llmLab.inlineCounts');
		await config.update('style', 'inlayHints', vscode.ConfigurationTarget.Global);
		try {
			const line = JSON.stringify({ prompt: 'Count me as an inlay hint.' });
			const uri = await writeWorkspaceFile('inline-counts/hints.jsonl', `${line}\n`);
			const editor = await vscode.window.showTextDocument(uri);
			const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
				'vscode.executeInlayHintProvider',
				uri,
				new vscode.Range(0, 0, editor.document.lineCount, 0),
			);
			const labels = hints.map((hint) => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('')));
			assert.deepEqual(labels, [`${oracleCount(line)} tokens`]);
			const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
			assert.equal(lenses.filter((lens) => lens.command?.command === 'llmLab.compareTokenizers').length, 0);
		} finally {
			await config.update('style', undefined, vscode.ConfigurationTarget.Global);
		}
	});
});

suite('Compare Tokenizers', () => {
	suiteSetup(async () => {
		await activateLab();
		await useProvider({ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, 'gpt-4o');
	});

	test('lists both encodings with their counts', async () => {
		const api = await activateLab();
		const text = SAMPLE_LINES.join('\n');
		const document = await vscode.workspace.openTextDocument({ content: `Not counted.\n${text}`, language: 'plaintext' });
		const editor = await vscode.window.showTextDocument(document);
		editor.selection = new vscode.Selection(document.positionAt(13), document.positionAt(13 + text.length));

		await vscode.commands.executeCommand('llmLab.compareTokenizers');
		const html = api.tokens.compareTokenizers.last()?.html ?? '';
		for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
			const row = new RegExp(`<td><code>${encoding}</code></td><td class="number">([\\d,]+)</td>`).exec(html);
			assert.ok(row, `no row for ${encoding}`);
			assert.equal(Number(row[1].replace(/,/g, '')), oracleCount(text, encoding), encoding);
		}
	});

	test('prices the input on catalog models', async () => {
		const api = await activateLab();
		const document = await vscode.workspace.openTextDocument({ content: 'Price this sentence.', language: 'plaintext' });
		await vscode.window.showTextDocument(document);

		await vscode.commands.executeCommand('llmLab.compareTokenizers');
		const comparison = api.tokens.compareTokenizers.last()?.comparison;
		const gpt4o = comparison?.costs?.find((cost) => cost.model === 'gpt-4o');
		assert.equal(gpt4o?.tokens, oracleCount('Price this sentence.'));
		assert.equal(gpt4o?.cost, (oracleCount('Price this sentence.') * 2.5) / 1_000_000);
		assert.match(api.tokens.compareTokenizers.last()?.html ?? '', /<td>gpt-4o<\/td>/);
	});
});

suite('Compare Tokenizers with a local model', () => {
	test('lists the model vocabulary with its count', async function () {
		const source = findLlamaCppSource();
		if (!source) {
			this.skip();
		}
		// llama.cpp's own counts, recorded from node-llama-cpp: the reference for this vocabulary.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const reference = require(path.join(__dirname, '../../../test/fixtures/gguf-reference.json')) as ReferenceFile;
		const prose = CORPUS.find((entry) => entry.name === 'English prose');
		assert.ok(prose, 'the corpus has no English prose');
		const expected = reference.vocabs['llama-bpe'].cases[prose.name].text[0];
		const server = await startFakeOllama({
			models: [{ name: 'llama3.2:3b', family: 'llama', contextLength: 131_072, ggufFile: listVocabFiles(source!).get('llama-bpe')! }],
		});
		try {
			const api = await activateLab();
			await useProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: server.baseUrl }, 'llama3.2:3b');
			const document = await vscode.workspace.openTextDocument({ content: prose.text, language: 'plaintext' });
			await vscode.window.showTextDocument(document);

			// The first run starts preparing the vocabulary, so the row appears once it is ready.
			const row = await waitFor(
				'the local vocabulary row',
				async () => {
					await vscode.commands.executeCommand('llmLab.compareTokenizers');
					return api.tokens.compareTokenizers.last()?.comparison.counts.find((count) => count.encoding.startsWith('gguf:'));
				},
				(value) => value !== undefined,
				30_000,
			);
			assert.equal(row?.label, 'llama3.2:3b vocabulary');
			assert.equal(row?.tokens, expected);
			assert.deepEqual(row?.models, ['llama3.2:3b']);
			assert.match(api.tokens.compareTokenizers.last()?.html ?? '', /<td><code>llama3\.2:3b vocabulary<\/code><\/td>/);
		} finally {
			await server.stop();
		}
	});
});
