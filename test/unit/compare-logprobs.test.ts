import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logprobFigures } from '../../src/core/compare/logprobs';
import { createProvider } from '../../src/core/providers/index';
import type { ChatChunk, ChatProvider, ChatRequest, TokenLogprob } from '../../src/core/providers/types';
import type { FakeChatBody } from '../fixtures/fake-openai';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';

const reply = 'alpha beta gamma delta epsilon';

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
	const chunks: ChatChunk[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk);
	}
	return chunks;
}

function logprobTokens(chunks: ChatChunk[]): TokenLogprob[] {
	return chunks.flatMap((chunk) => (chunk.type === 'logprobs' ? chunk.tokens : []));
}

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
	return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say it' }], ...overrides };
}

describe('OpenAI provider log-probabilities', () => {
	let server: FakeOpenAI;
	let provider: ChatProvider;

	before(async () => {
		server = await startFakeOpenAI({ replyText: reply, logprobOf: (_token, index) => -0.5 * (index + 1) });
		provider = createProvider({ id: 'fake', name: 'Fake', kind: 'openai', baseUrl: server.baseUrl });
	});
	after(() => server.stop());

	test('streamed tokens carry their logprobs', async () => {
		const chunks = await collect(provider.streamChat(request({ logprobs: true })));
		const tokens = logprobTokens(chunks);
		assert.deepEqual(
			tokens.map((token) => token.token),
			['alpha', ' beta', ' gamma', ' delta', ' epsilon'],
		);
		assert.deepEqual(
			tokens.map((token) => token.logprob),
			[-0.5, -1, -1.5, -2, -2.5],
		);
	});

	test('request sends logprobs only when asked', async () => {
		await collect(provider.streamChat(request({ logprobs: true })));
		assert.equal((server.requests.at(-1)?.body as FakeChatBody).logprobs, true);
		const chunks = await collect(provider.streamChat(request()));
		assert.equal((server.requests.at(-1)?.body as FakeChatBody).logprobs, undefined);
		assert.equal(logprobTokens(chunks).length, 0);
	});

	test('top_p and stop reach the server', async () => {
		await collect(provider.streamChat(request({ topP: 0.5, stop: ['END'], seed: 3, temperature: 0 })));
		const body = server.requests.at(-1)?.body as FakeChatBody;
		assert.equal(body.top_p, 0.5);
		assert.deepEqual(body.stop, ['END']);
		assert.equal(body.seed, 3);
		assert.equal(body.temperature, 0);
	});

	test('non-streamed reply carries logprobs too', async () => {
		const plain = await startFakeOpenAI({ replyText: reply });
		try {
			plain.setFault({ kind: 'rejectStreaming' });
			const fallback = createProvider({ id: 'plain', name: 'Plain', kind: 'openai', baseUrl: plain.baseUrl });
			const tokens = logprobTokens(await collect(fallback.streamChat(request({ logprobs: true }))));
			assert.equal(tokens.length, 5);
			assert.equal(tokens[0].logprob, -0.25);
		} finally {
			await plain.stop();
		}
	});
});

describe('perplexity', () => {
	test('is exp of the mean negative logprob', () => {
		const figures = logprobFigures([
			{ token: 'a', logprob: -1 },
			{ token: 'b', logprob: -2 },
			{ token: 'c', logprob: -3 },
		]);
		assert.equal(figures?.tokens, 3);
		assert.equal(figures?.meanNll, 2);
		assert.equal(figures?.perplexity, Math.exp(2));
	});

	test('certain tokens give perplexity 1', () => {
		assert.equal(logprobFigures([{ token: 'a', logprob: 0 }])?.perplexity, 1);
	});

	test('no tokens give no figures', () => {
		assert.equal(logprobFigures([]), undefined);
	});
});
