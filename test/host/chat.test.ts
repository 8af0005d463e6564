import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conversation } from '../../src/core/chat/conversation';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';
import { activateLab, useProvider, waitFor } from './helpers';

const KEY = 'sk-host-test-4f8a1c2e9b7d';

suite('chat with a local server', () => {
	let server: FakeOpenAI;

	suiteSetup(async () => {
		server = await startFakeOpenAI({ apiKey: KEY, models: ['gpt-4o-mini'], replyText: 'The answer is forty-two.' });
		await activateLab();
		await useProvider({ id: 'fake', name: 'Fake OpenAI', kind: 'openai', baseUrl: server.baseUrl }, 'gpt-4o-mini');
	});

	suiteTeardown(async () => {
		await server?.stop();
	});

	test('Set API Key keeps the key out of settings', async () => {
		await vscode.commands.executeCommand('llmLab.setApiKey', 'fake', KEY);
		const config = vscode.workspace.getConfiguration('llmLab');
		const everything = JSON.stringify(
			['providers', 'defaultModel', 'systemPrompt'].map((name) => config.inspect(name)),
		);
		assert.equal(everything.includes(KEY), false);
		const workspaceSettings = vscode.workspace.workspaceFolders?.[0]
			? path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, '.vscode', 'settings.json')
			: undefined;
		const text = workspaceSettings ? await fs.readFile(workspaceSettings, 'utf8').catch(() => '') : '';
		assert.equal(text.includes(KEY), false);
	});

	test('a message reaches the server and the reply is stored', async () => {
		const api = await activateLab();
		await vscode.commands.executeCommand('llmLab.setApiKey', 'fake', KEY);
		await vscode.commands.executeCommand('llmLab.newChat');
		const before = server.requests.length;

		await api.sendChatMessage('What is the answer?');

		const chatRequests = server.requests.slice(before).filter((request) => request.path.startsWith('/v1/chat/completions'));
		assert.equal(chatRequests.length, 1);
		assert.equal(chatRequests[0].headers.authorization, `Bearer ${KEY}`);
		const body = chatRequests[0].body as { messages: Array<{ content: string }>; stream: boolean };
		assert.equal(body.stream, true);
		assert.equal(body.messages.at(-1)?.content, 'What is the answer?');

		const conversation = await api.activeConversation();
		const file = path.join(api.conversationsFolder, `${conversation.id}.json`);
		const stored = await waitFor(
			'the stored reply',
			async () => JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as Partial<Conversation>,
			(value) => value.messages?.at(-1)?.status === 'done',
		);
		const reply = stored.messages?.at(-1);
		assert.equal(reply?.role, 'assistant');
		assert.equal(reply?.content, 'The answer is forty-two.');
		assert.equal(reply?.stats?.estimated, false);
		assert.ok((reply?.stats?.completionTokens ?? 0) > 0);
	});

	test('a failed request keeps the message and marks the reply', async () => {
		const api = await activateLab();
		server.setFault({ kind: 'cut', afterChunks: 2 });
		try {
			await api.sendChatMessage('Tell me more.');
		} finally {
			server.setFault(undefined);
		}
		const conversation = await api.activeConversation();
		const [question, reply] = conversation.messages.slice(-2);
		assert.equal(question.content, 'Tell me more.');
		assert.equal(reply.status, 'error');
		assert.ok(reply.content.length > 0, 'the partial reply was dropped');
		assert.match(reply.notice ?? '', /Cut off/);
	});
});

suite('sending while a reply streams', () => {
	test('second send waits in the input box', async () => {
		const server = await startFakeOpenAI({ models: ['gpt-4o-mini'], replyText: 'one two three four five six', chunkDelayMs: 100 });
		try {
			const api = await activateLab();
			await useProvider({ id: 'slow', name: 'Slow server', kind: 'openai', baseUrl: server.baseUrl }, 'gpt-4o-mini');
			await vscode.commands.executeCommand('llmLab.newChat');

			const first = api.sendChatMessage('first');
			const second = api.sendChatMessage('second');
			await Promise.all([first, second]);

			const conversation = await api.activeConversation();
			const chats = server.requests.filter((request) => request.path.startsWith('/v1/chat/completions'));
			assert.equal(chats.length, 1, 'two replies started in one conversation');
			assert.deepEqual(
				conversation.messages.map((message) => message.role),
				['user', 'assistant'],
			);
			assert.equal(conversation.messages[0].content, 'first');
			assert.equal(conversation.draft, 'second', 'the second message was lost');
		} finally {
			await server.stop();
		}
	});
});

suite('chat with llama-server', () => {
	test('a reply streams from the real model', async () => {
		const url = process.env.LLM_LAB_TEST_LLAMA_URL;
		assert.ok(url, 'LLM_LAB_TEST_LLAMA_URL is not set: the runner starts llama-server');
		const api = await activateLab();
		const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
		await useProvider({ id: 'llama', name: 'llama.cpp', kind: 'openai', baseUrl: `${url}/v1` }, models.data[0].id);
		await vscode.workspace.getConfiguration('llmLab').update('maxTokens', 16, vscode.ConfigurationTarget.Global);
		await vscode.commands.executeCommand('llmLab.newChat');

		await api.sendChatMessage('Say hello.');

		const reply = (await api.activeConversation()).messages.at(-1);
		assert.equal(reply?.role, 'assistant');
		assert.notEqual(reply?.status, 'error', reply?.notice);
		assert.ok((reply?.content.length ?? 0) > 0);
		assert.equal(reply?.stats?.estimated, false);
		const completionTokens = reply?.stats?.completionTokens ?? 0;
		assert.ok(completionTokens > 0, 'no completion tokens');
		assert.ok(completionTokens <= 16, `completion tokens ${completionTokens} above max_tokens 16`);
	});
});

suite('keys and workspace settings', () => {
	test('key is withheld from a host set by the workspace', async function () {
		if (!vscode.workspace.workspaceFolders?.length) {
			this.skip();
		}
		const trusted = await startFakeOpenAI({ apiKey: KEY, models: ['gpt-4o-mini'] });
		const other = await startFakeOpenAI({ models: ['gpt-4o-mini'], replyText: 'From the other host.' });
		const config = vscode.workspace.getConfiguration('llmLab');
		try {
			const api = await activateLab();
			await useProvider({ id: 'team', name: 'Team server', kind: 'openai', baseUrl: trusted.baseUrl }, 'gpt-4o-mini');
			await vscode.commands.executeCommand('llmLab.setApiKey', 'team', KEY);

			// A cloned repository's .vscode/settings.json points the same provider id at another host.
			const redirected = [{ id: 'team', name: 'Team server', kind: 'openai', baseUrl: other.baseUrl }];
			await config.update('providers', redirected, vscode.ConfigurationTarget.Workspace);
			await vscode.commands.executeCommand('llmLab.newChat');
			await api.sendChatMessage('Hello?');

			// The test host refuses modal dialogs and reports their text, so the question asked shows in the reply's notice.
			const last = (await api.activeConversation()).messages.at(-1);
			const host = new URL(other.baseUrl).host;
			assert.ok(last?.notice?.includes(`API key to ${host}?`), `the user was not asked: ${JSON.stringify(last)}`);
			const leaked = other.requests.filter((request) => JSON.stringify(request.headers).includes(KEY));
			assert.deepEqual(leaked, []);
		} finally {
			await config.update('providers', undefined, vscode.ConfigurationTarget.Workspace);
			await trusted.stop();
			await other.stop();
		}
	});
});
