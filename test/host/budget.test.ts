import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FakeOllama, startFakeOllama } from '../fixtures/fake-ollama';
import { findLlamaCppSource, listVocabFiles } from '../fixtures/llama-reference';
import { activateLab, useProvider, waitFor } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { get_encoding } = require('tiktoken') as typeof import('tiktoken');

/** Writes a plain-text file of about `tokens` o200k tokens, checked with the tiktoken oracle. */
async function writeLongFile(tokens: number): Promise<{ uri: vscode.Uri; count: number }> {
	const words = ['apple', 'river', 'stone', 'cloud', 'music', 'table', 'green', 'house', 'light', 'paper'];
	const text = Array.from({ length: tokens }, (_, index) => words[index % words.length]).join(' ') + '\n';
	const encoding = get_encoding('o200k_base');
	const count = encoding.encode_ordinary(text).length;
	encoding.free();
	const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'llm-lab-budget-')), 'long.txt');
	await fs.writeFile(file, text);
	return { uri: vscode.Uri.file(file), count };
}

suite('context budget before sending', () => {
	let server: FakeOllama;

	suiteSetup(async () => {
		server = await startFakeOllama({
			models: [
				// The model was trained for 131,072 tokens, but the server runs it with 4,096.
				{ name: 'llama3.2:3b', family: 'llama', contextLength: 131_072, loadedContextLength: 4_096 },
			],
			replyText: 'Summary follows.',
		});
		await activateLab();
		await useProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: server.baseUrl }, 'llama3.2:3b');
		await vscode.workspace.getConfiguration('llmLab').update('maxTokens', 512, vscode.ConfigurationTarget.Global);
	});

	suiteTeardown(async () => {
		await vscode.workspace.getConfiguration('llmLab').update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
		await server?.stop();
	});

	test('9,000-token file is stopped with three choices', async () => {
		const api = await activateLab();
		await vscode.commands.executeCommand('llmLab.newChat');
		const { uri, count } = await writeLongFile(9_000);
		assert.ok(count > 8_000, `the file has only ${count} tokens`);
		assert.ok(count < 10_000, `the file has ${count} tokens`);
		const editor = await vscode.window.showTextDocument(uri);
		editor.selection = new vscode.Selection(0, 0, editor.document.lineCount, 0);
		await vscode.commands.executeCommand('llmLab.askAboutSelection');
		const draft = (await api.activeConversation()).draft;
		assert.ok(draft.length > editor.document.getText().length - 10, 'the selection did not reach the input box');

		const before = server.requests.length;
		await api.sendChatMessage(`${draft}Summarize this file.`);

		const chats = server.requests.slice(before).filter((request) => request.path === '/api/chat');
		assert.equal(chats.length, 0, 'a request was sent although it does not fit');
		const notice = api.currentNotice();
		assert.ok(notice, 'no warning was shown');
		assert.match(notice.message, /4,096-token window/);
		assert.match(notice.message, /running server/);
		const labels = notice.actions.map((action) => action.label);
		assert.equal(labels.length, 3, `choices: ${labels.join(', ')}`);
		assert.match(labels[0], /Drop/);
		assert.match(labels[1], /Raise num_ctx to [\d,]+ and Send/);
		assert.equal(labels[2], 'Cancel');
		assert.equal((await api.activeConversation()).messages.length, 0, 'the message was added although it was not sent');
	});

	test('raising num_ctx sends it in the options', async () => {
		const api = await activateLab();
		const raise = api.currentNotice()?.actions.find((action) => action.label.startsWith('Raise'));
		assert.ok(raise, 'no Raise choice to run');
		const before = server.requests.length;

		await vscode.commands.executeCommand(raise.command, ...(raise.args ?? []));

		const chats = await waitFor(
			'the chat request',
			() => server.requests.slice(before).filter((request) => request.path === '/api/chat'),
			(requests) => requests.length === 1,
		);
		const options = (chats[0].body as { options?: { num_ctx?: number; num_predict?: number } }).options;
		assert.ok((options?.num_ctx ?? 0) >= 9_000, `num_ctx ${options?.num_ctx}`);
		assert.equal(options?.num_ctx! % 1024, 0);
		assert.equal(options?.num_predict, 512);
		const conversation = await waitFor('the reply', () => api.activeConversation(), (value) => value.messages.at(-1)?.status === 'done');
		assert.equal(conversation.numCtx, options?.num_ctx);
	});
});

suite('truncation after a reply', () => {
	test('lower prompt_eval_count shows a notice', async function () {
		const source = findLlamaCppSource();
		if (!source) {
			this.skip();
		}
		// The server reports 4,096 prompt tokens although the prompt has about 9,000 by the model's own vocabulary.
		const replay = await fs.readFile(path.join(__dirname, '../../../test/fixtures/cases/ollama-truncated-final-chunk.ndjson'), 'utf8');
		const vocabFile = listVocabFiles(source!).get('llama-bpe')!;
		const server = await startFakeOllama({
			models: [{ name: 'llama3.2:3b', family: 'llama', contextLength: 131_072, numCtx: 32_768, ggufFile: vocabFile }],
			replayNdjson: replay,
		});
		try {
			const api = await activateLab();
			await useProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: server.baseUrl }, 'llama3.2:3b');
			await vscode.commands.executeCommand('llmLab.newChat');
			const { uri } = await writeLongFile(9_000);
			const document = await vscode.workspace.openTextDocument(uri);
			await vscode.window.showTextDocument(document);
			// Wait until the model's own tokenizer is ready, so our count is exact.
			await waitFor('an exact count', () => api.tokenCountText(), (value) => value !== undefined && !value.includes('≈'), 30_000);

			await api.sendChatMessage(document.getText());

			const reply = (await api.activeConversation()).messages.at(-1);
			assert.equal(reply?.content, 'The file ends here.');
			assert.match(reply?.notice ?? '', /Input truncated/);
			assert.match(reply?.notice ?? '', /4,096/);
			assert.doesNotMatch(reply?.notice ?? '', /output limit/);
		} finally {
			await server.stop();
		}
	});
});
