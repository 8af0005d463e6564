import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContextOverflowError } from '../../src/core/errors';
import { createProvider } from '../../src/core/providers/index';
import type { ChatChunk, ChatMessage, ChatProvider, ChatRequest, Usage } from '../../src/core/providers/types';
import { type LlamaServer, startLlamaServer } from '../fixtures/llama-server';

const contextSize = 256;

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
	const chunks: ChatChunk[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk);
	}
	return chunks;
}

function deltasOf(chunks: ChatChunk[]): string[] {
	return chunks.flatMap((chunk) => (chunk.type === 'delta' ? [chunk.text] : []));
}

function usageOf(chunks: ChatChunk[]): Usage | undefined {
	const chunk = chunks.find((candidate) => candidate.type === 'usage');
	return chunk?.type === 'usage' ? chunk.usage : undefined;
}

async function postJson(url: string, body: unknown): Promise<unknown> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	assert.equal(response.status, 200, `${url} returned HTTP ${response.status}`);
	return response.json();
}

/**
 * Counts the prompt tokens llama-server will see: the chat template applied by `/apply-template`, then tokenized by
 * `/tokenize` with special tokens added, because the server adds them (BOS for this model) when it tokenizes a prompt.
 */
async function countPromptTokens(server: LlamaServer, messages: ChatMessage[]): Promise<number> {
	const { prompt } = (await postJson(`${server.baseUrl}/apply-template`, { messages })) as { prompt: string };
	const { tokens } = (await postJson(`${server.baseUrl}/tokenize`, { content: prompt, add_special: true })) as {
		tokens: unknown[];
	};
	return tokens.length;
}

describe('llama-server through the OpenAI provider', () => {
	let server: LlamaServer;
	let provider: ChatProvider;

	before(async () => {
		server = await startLlamaServer({ contextSize });
		provider = createProvider({
			id: 'llama',
			name: 'llama-server',
			kind: 'openai',
			baseUrl: `${server.baseUrl}/v1`,
		});
	});
	after(() => server?.stop());

	const messages: ChatMessage[] = [
		{ role: 'system', content: 'You are terse.' },
		{ role: 'user', content: 'Name three colours.' },
	];
	const greedy: ChatRequest = { model: 'tiny', messages, maxTokens: 8, temperature: 0, seed: 42 };

	test('usage matches the server tokenizer', async () => {
		const chunks = await collect(provider.streamChat(greedy));
		const usage = usageOf(chunks);
		assert.ok(usage, 'no usage chunk');
		assert.equal(usage.promptTokens, await countPromptTokens(server, messages));
		assert.equal(usage.completionTokens, 8);
		assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'length' });
	});

	test('completion tokens match the chunks', async () => {
		const chunks = await collect(provider.streamChat(greedy));
		// NOTE: this relies on llama-server sending one chunk per generated token, which holds for this model's greedy
		// reply on llama.cpp build 80fb11a.
		assert.equal(deltasOf(chunks).length, usageOf(chunks)?.completionTokens);
	});

	test('greedy decoding repeats its text', async () => {
		const first = deltasOf(await collect(provider.streamChat(greedy))).join('');
		const second = deltasOf(await collect(provider.streamChat(greedy))).join('');
		assert.notEqual(first, '');
		assert.equal(second, first);
	});

	test('too-long prompt gives ContextOverflowError', async () => {
		const longMessages: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(400) }];
		const expectedTokens = await countPromptTokens(server, longMessages);
		await assert.rejects(collect(provider.streamChat({ ...greedy, messages: longMessages })), (error: unknown) => {
			assert.ok(error instanceof ContextOverflowError, `got ${String(error)}`);
			assert.equal(error.promptTokens, expectedTokens);
			assert.equal(error.contextWindow, contextSize);
			assert.ok(error.message.includes(`${expectedTokens} tokens`), error.message);
			assert.ok(error.message.includes(server.baseUrl), error.message);
			return true;
		});
	});

	test('lists the loaded model', async () => {
		const models = await provider.listModels();
		assert.equal(models.length, 1);
		assert.equal(models[0].providerId, 'llama');
	});
});
