import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredMessage } from '../../src/core/chat/conversation';
import { streamReply } from '../../src/core/chat/reply';
import type { ChatChunk, ChatProvider } from '../../src/core/providers/types';

function replayProvider(chunks: ChatChunk[]): ChatProvider {
	return {
		config: { id: 'local', name: 'Local', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' },
		listModels: async () => [],
		async *streamChat() {
			yield* chunks;
		},
	};
}

function newMessage(): StoredMessage {
	return { id: 'm', role: 'assistant', content: '', status: 'streaming', createdAt: 0 };
}

// A local server counts with its own tokenizer, which can need far fewer tokens than o200k_base for the same text.
// A 210-token prompt in a 128,000-token window cannot have been cut to fit the window.
test('prompt far below the window is not truncated', async () => {
	const provider = replayProvider([
		{ type: 'delta', text: 'Hello.' },
		{ type: 'finish', reason: 'stop' },
		{ type: 'usage', usage: { promptTokens: 115, completionTokens: 2 } },
	]);
	const { message } = await streamReply({
		provider,
		model: 'local-model',
		modelId: 'local:local-model',
		messages: [{ role: 'user', content: 'Hi' }],
		message: newMessage(),
		promptTokenEstimate: 210,
		contextWindow: 128_000,
		countTokens: (text) => text.length,
	});
	assert.doesNotMatch(message.notice ?? '', /Input truncated/);
});

test('prompt over the window is still truncated', async () => {
	const provider = replayProvider([
		{ type: 'delta', text: 'Hello.' },
		{ type: 'finish', reason: 'stop' },
		{ type: 'usage', usage: { promptTokens: 4_096, completionTokens: 2 } },
	]);
	const { message } = await streamReply({
		provider,
		model: 'local-model',
		modelId: 'local:local-model',
		messages: [{ role: 'user', content: 'Hi' }],
		message: newMessage(),
		promptTokenEstimate: 9_000,
		contextWindow: 4_096,
		countTokens: (text) => text.length,
	});
	assert.match(message.notice ?? '', /Input truncated/);
});
