import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredMessage } from '../../src/core/chat/conversation';
import { isTruncated, streamReply } from '../../src/core/chat/reply';
import { CancelledError, StreamStalledError } from '../../src/core/errors';
import type { ChatChunk, ChatProvider, ChatRequest } from '../../src/core/providers/types';

/** A provider that replays chunks, then optionally throws, recording the request it got. */
function scriptedProvider(chunks: ChatChunk[], failure?: Error): ChatProvider & { requests: ChatRequest[] } {
	const requests: ChatRequest[] = [];
	return {
		requests,
		config: { id: 'fake', name: 'Fake', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' },
		listModels: async () => [],
		async *streamChat(request) {
			requests.push(request);
			for (const chunk of chunks) {
				yield chunk;
			}
			if (failure) {
				throw failure;
			}
		},
	};
}

function newMessage(): StoredMessage {
	return { id: 'm', role: 'assistant', content: '', status: 'streaming', createdAt: 0 };
}

function clock(...times: number[]): () => number {
	let index = 0;
	return () => times[Math.min(index++, times.length - 1)];
}

const base = {
	model: 'gpt-4o-mini',
	modelId: 'openai:gpt-4o-mini',
	messages: [{ role: 'user' as const, content: 'Hi' }],
	promptTokenEstimate: 8,
	countTokens: (text: string) => text.split(' ').length,
};

test('reply keeps reported usage, timing and cost', async () => {
	const provider = scriptedProvider([
		{ type: 'delta', text: 'Hello' },
		{ type: 'delta', text: ' there.' },
		{ type: 'finish', reason: 'stop' },
		{ type: 'usage', usage: { promptTokens: 18, completionTokens: 3 } },
	]);
	const deltas: string[] = [];
	const { message, error } = await streamReply({
		...base,
		provider,
		message: newMessage(),
		price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
		onDelta: (text) => deltas.push(text),
		now: clock(1_000, 1_120, 1_800),
	});
	assert.equal(error, undefined);
	assert.equal(message.content, 'Hello there.');
	assert.deepEqual(deltas, ['Hello', ' there.']);
	assert.equal(message.status, 'done');
	assert.equal(message.stats?.promptTokens, 18);
	assert.equal(message.stats?.completionTokens, 3);
	assert.equal(message.stats?.estimated, false);
	assert.equal(message.stats?.firstTokenMs, 120);
	assert.equal(message.stats?.latencyMs, 800);
	assert.equal(message.stats?.costUsd, (18 * 0.15 + 3 * 0.6) / 1_000_000);
	assert.equal(message.notice, undefined);
});

test('reply without usage is estimated, never zero', async () => {
	const provider = scriptedProvider([
		{ type: 'delta', text: 'one two three' },
		{ type: 'finish', reason: 'stop' },
	]);
	const { message } = await streamReply({ ...base, provider, message: newMessage() });
	assert.equal(message.stats?.estimated, true);
	assert.equal(message.stats?.promptTokens, 8);
	assert.equal(message.stats?.completionTokens, 3);
});

test('reply stopped at the output limit says so', async () => {
	const provider = scriptedProvider([
		{ type: 'delta', text: 'a b c d' },
		{ type: 'finish', reason: 'length' },
		{ type: 'usage', usage: { promptTokens: 8, completionTokens: 4 } },
	]);
	const { message } = await streamReply({ ...base, provider, message: newMessage(), maxTokens: 4 });
	assert.equal(message.status, 'done');
	assert.equal(message.finishReason, 'length');
	assert.match(message.notice ?? '', /Stopped at the output limit of 4 tokens/);
	assert.doesNotMatch(message.notice ?? '', /truncated/i);
});

test('reply tells a full window from the output limit', async () => {
	const provider = scriptedProvider([
		{ type: 'delta', text: 'a b' },
		{ type: 'finish', reason: 'length' },
		{ type: 'usage', usage: { promptTokens: 1_020, completionTokens: 4 } },
	]);
	const { message } = await streamReply({ ...base, provider, message: newMessage(), maxTokens: 64, promptTokenEstimate: 1_020 });
	assert.match(message.notice ?? '', /context window is full/);
	assert.match(message.notice ?? '', /1,024 tokens/);
	assert.doesNotMatch(message.notice ?? '', /Stopped at the output limit/);
});

test('reply flags a truncated input with both numbers', async () => {
	const provider = scriptedProvider([
		{ type: 'delta', text: 'The file ends here.' },
		{ type: 'finish', reason: 'stop' },
		{ type: 'usage', usage: { promptTokens: 4_096, completionTokens: 4 } },
	]);
	const { message } = await streamReply({ ...base, provider, message: newMessage(), promptTokenEstimate: 9_000, exactTokenizer: true });
	assert.match(message.notice ?? '', /Input truncated/);
	assert.match(message.notice ?? '', /4,096/);
	assert.match(message.notice ?? '', /9,000/);
});

test('truncation check tolerates small count differences', () => {
	assert.equal(isTruncated(4_096, 9_000), true);
	assert.equal(isTruncated(95, 100), false);
	assert.equal(isTruncated(18, 21), false);
	assert.equal(isTruncated(1_000, 1_000), false);
	const estimate = { exactTokenizer: false, contextWindow: 128_000 };
	assert.equal(isTruncated(115, 210, estimate), false);
	assert.equal(isTruncated(4_096, 9_000, { exactTokenizer: false, contextWindow: 4_096 }), true);
	assert.equal(isTruncated(4_096, 9_000, { exactTokenizer: false }), false);
});

test('reply keeps partial text when the stream stalls', async () => {
	const provider = scriptedProvider(
		[
			{ type: 'delta', text: 'Partial ' },
			{ type: 'delta', text: 'text' },
		],
		new StreamStalledError('No data from http://127.0.0.1:1/v1 for 5 s.'),
	);
	const { message, error } = await streamReply({ ...base, provider, message: newMessage() });
	assert.ok(error instanceof StreamStalledError);
	assert.equal(message.content, 'Partial text');
	assert.equal(message.status, 'error');
	assert.match(message.notice ?? '', /Stream stalled/);
	assert.equal(message.stats?.estimated, true);
});

test('reply stopped by the user is marked stopped', async () => {
	const controller = new AbortController();
	const provider = scriptedProvider([{ type: 'delta', text: 'Some' }], new CancelledError());
	controller.abort();
	const { message } = await streamReply({ ...base, provider, message: newMessage(), signal: controller.signal });
	assert.equal(message.status, 'stopped');
	assert.equal(message.finishReason, 'cancelled');
	assert.equal(message.content, 'Some');
});

test('reply passes parameters to the provider', async () => {
	const provider = scriptedProvider([{ type: 'finish', reason: 'stop' }]);
	await streamReply({ ...base, provider, message: newMessage(), maxTokens: 64, temperature: 0, numCtx: 4_096, stallTimeoutMs: 500 });
	assert.equal(provider.requests[0].maxTokens, 64);
	assert.equal(provider.requests[0].temperature, 0);
	assert.equal(provider.requests[0].numCtx, 4_096);
	assert.equal(provider.requests[0].stallTimeoutMs, 500);
});
