import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
	BadResponseError,
	CancelledError,
	ConnectionError,
	ModelNotFoundError,
	RateLimitError,
	RequestTimeoutError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import { createProvider } from '../../src/core/providers/index';
import type { ChatChunk, ChatProvider, ChatRequest } from '../../src/core/providers/types';
import { type FakeOllama, type FakeOllamaModel, startFakeOllama } from '../fixtures/fake-ollama';

const casesDir = path.join(__dirname, '../fixtures/cases');
const reply = 'One two three four five six.';

function providerFor(baseUrl: string, logger?: Logger): ChatProvider {
	return createProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl }, { logger });
}

function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
	return { model: 'qwen3:4b', messages: [{ role: 'user', content: 'Say hello' }], ...overrides };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
	const chunks: ChatChunk[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk);
	}
	return chunks;
}

async function collectUntilError(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; error: unknown }> {
	const chunks: ChatChunk[] = [];
	try {
		for await (const chunk of stream) {
			chunks.push(chunk);
		}
	} catch (error) {
		return { chunks, error };
	}
	return { chunks, error: undefined };
}

function textOf(chunks: ChatChunk[]): string {
	return chunks.map((chunk) => (chunk.type === 'delta' ? chunk.text : '')).join('');
}

function recordingLogger(): Logger & { lines: string[] } {
	const lines: string[] = [];
	const record = (message: unknown, ...args: unknown[]) => {
		lines.push([message, ...args].map(String).join(' '));
	};
	return { lines, trace: record, debug: record, info: record, warn: record, error: record };
}

describe('Ollama provider chat', () => {
	let server: FakeOllama;
	let provider: ChatProvider;

	before(async () => {
		server = await startFakeOllama({ replyText: reply });
		provider = providerFor(server.baseUrl);
	});
	after(() => server.stop());
	beforeEach(() => server.setFault(undefined));

	test('streams text, usage and finish', async () => {
		const chunks = await collect(provider.streamChat(chatRequest()));
		assert.equal(textOf(chunks), reply);
		assert.deepEqual(chunks.slice(-2), [
			{ type: 'usage', usage: { promptTokens: 8, completionTokens: 6 } },
			{ type: 'finish', reason: 'stop' },
		]);
	});

	test('sends num_ctx and num_predict', async () => {
		await collect(provider.streamChat(chatRequest({ numCtx: 8192, maxTokens: 100, temperature: 0, seed: 7 })));
		const body = server.requests.at(-1)?.body as { stream?: boolean; options?: Record<string, number> };
		assert.equal(body.stream, true);
		assert.deepEqual(body.options, { num_ctx: 8192, num_predict: 100, temperature: 0, seed: 7 });
	});

	test('done_reason length at num_predict', async () => {
		const chunks = await collect(provider.streamChat(chatRequest({ maxTokens: 4 })));
		assert.equal(textOf(chunks), 'One two three four');
		assert.deepEqual(chunks.slice(-2), [
			{ type: 'usage', usage: { promptTokens: 8, completionTokens: 4 } },
			{ type: 'finish', reason: 'length' },
		]);
	});

	test('prompt_eval_count is capped at num_ctx', async () => {
		const longPrompt = Array.from({ length: 9000 }, (_, index) => `w${index}`).join(' ');
		const messages = [{ role: 'user' as const, content: longPrompt }];
		const chunks = await collect(provider.streamChat(chatRequest({ messages, numCtx: 4096 })));
		const usage = chunks.find((chunk) => chunk.type === 'usage');
		assert.deepEqual(usage, { type: 'usage', usage: { promptTokens: 4096, completionTokens: 6 } });
	});

	test('missing counts emit no usage', async () => {
		server.setFault({ kind: 'noUsage' });
		const chunks = await collect(provider.streamChat(chatRequest()));
		assert.equal(chunks.filter((chunk) => chunk.type === 'usage').length, 0);
		assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
	});

	test('unknown model gives ModelNotFoundError', async () => {
		const { error } = await collectUntilError(provider.streamChat(chatRequest({ model: 'nope:1b' })));
		assert.ok(error instanceof ModelNotFoundError, `got ${String(error)}`);
		assert.equal(error.model, 'nope:1b');
		assert.equal(error.status, 404);
		assert.ok(error.message.includes('ollama pull nope:1b'));
		assert.ok(error.message.includes(server.baseUrl));
	});

	test('HTTP 429 gives RateLimitError with Retry-After', async () => {
		server.setFault({ kind: 'status', status: 429, retryAfter: '3' });
		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof RateLimitError, `got ${String(error)}`);
		assert.equal(error.retryAfterMs, 3000);
		assert.ok(error.message.includes('Wait 3 s'));
	});

	test('HTTP 500 gives ServerError with the server message', async () => {
		server.setFault({ kind: 'status', status: 500, message: 'the model failed to generate a response' });
		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof ServerError, `got ${String(error)}`);
		assert.equal(error.status, 500);
		assert.ok(error.message.includes('the model failed to generate a response'));
		assert.ok(error.message.includes('"qwen3:4b"'));
	});

	test('HTTP 404 fault gives ModelNotFoundError', async () => {
		server.setFault({ kind: 'status', status: 404, message: "model 'qwen3:4b' not found" });
		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof ModelNotFoundError);
	});

	test('cut stream gives StreamCutError after partial text', async () => {
		server.setFault({ kind: 'cut', afterChunks: 2 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof StreamCutError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One two');
		assert.ok(error.message.includes(`${server.baseUrl}/api/chat`));
	});

	test('stall gives StreamStalledError with partial text', async () => {
		server.setFault({ kind: 'stall', afterChunks: 2 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest({ stallTimeoutMs: 300 })));
		assert.ok(error instanceof StreamStalledError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One two');
		assert.ok(error.message.includes('300 ms'));
		const closed = await server.requests.at(-1)?.closed;
		assert.equal(closed?.beforeEnd, true);
	});

	test('slow first token within the stall timeout succeeds', async () => {
		server.setFault({ kind: 'slowFirstToken', delayMs: 150 });
		const chunks = await collect(provider.streamChat(chatRequest({ stallTimeoutMs: 2000 })));
		assert.equal(textOf(chunks), reply);
	});

	test('malformed line gives BadResponseError', async () => {
		server.setFault({ kind: 'malformedChunk', afterChunks: 1 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof BadResponseError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One');
	});

	test('abort mid-stream gives CancelledError and closes the connection', async () => {
		server.setFault({ kind: 'stall', afterChunks: 2 });
		const controller = new AbortController();
		const chunks: ChatChunk[] = [];
		let caught: unknown;
		try {
			for await (const chunk of provider.streamChat(chatRequest({ signal: controller.signal }))) {
				chunks.push(chunk);
				if (chunks.length === 2) {
					controller.abort();
				}
			}
		} catch (error) {
			caught = error;
		}
		assert.ok(caught instanceof CancelledError, `got ${String(caught)}`);
		const closed = await server.requests.at(-1)?.closed;
		assert.equal(closed?.beforeEnd, true);
	});
});

describe('Ollama provider replayed chunks', () => {
	test('reports the truncated prompt_eval_count', async () => {
		const ndjson = readFileSync(path.join(casesDir, 'ollama-truncated-final-chunk.ndjson'), 'utf8');
		const server = await startFakeOllama({
			replayNdjson: ndjson,
			models: [{ name: 'llama3.2:3b', family: 'llama', contextLength: 131072 }],
		});
		try {
			const chunks = await collect(providerFor(server.baseUrl).streamChat(chatRequest({ model: 'llama3.2:3b' })));
			assert.equal(textOf(chunks), 'The file ends here.');
			assert.deepEqual(chunks.slice(-2), [
				{ type: 'usage', usage: { promptTokens: 4096, completionTokens: 4 } },
				{ type: 'finish', reason: 'stop' },
			]);
		} finally {
			await server.stop();
		}
	});

	test('mid-stream error line gives ServerError', async () => {
		const lines = [
			'{"model":"qwen3:4b","created_at":"2026-12-04T10:00:01Z","message":{"role":"assistant","content":"Yes"},"done":false}',
			'{"error":"an error was encountered while running the model"}',
		];
		const server = await startFakeOllama({ replayNdjson: `${lines.join('\n')}\n` });
		try {
			const { chunks, error } = await collectUntilError(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.ok(error instanceof ServerError, `got ${String(error)}`);
			assert.equal(textOf(chunks), 'Yes');
			assert.ok(error.message.includes('an error was encountered while running the model'));
		} finally {
			await server.stop();
		}
	});

	test('lines split across reads still parse', async () => {
		const ndjson = readFileSync(path.join(casesDir, 'ollama-truncated-final-chunk.ndjson'), 'utf8');
		const server = await startFakeOllama({ replayNdjson: ndjson });
		// Hands the body on in 7-byte pieces, so no read ends on a line boundary.
		const splittingFetch: typeof fetch = async (input, init) => {
			const response = await fetch(input, init);
			const bytes = new Uint8Array(await response.arrayBuffer());
			const body = new ReadableStream<Uint8Array>({
				start(controller) {
					for (let offset = 0; offset < bytes.length; offset += 7) {
						controller.enqueue(bytes.slice(offset, offset + 7));
					}
					controller.close();
				},
			});
			return new Response(body, { status: response.status, headers: response.headers });
		};
		try {
			const config = { id: 'ollama', name: 'Ollama', kind: 'ollama' as const, baseUrl: server.baseUrl };
			const chunks = await collect(createProvider(config, { fetch: splittingFetch }).streamChat(chatRequest()));
			assert.equal(textOf(chunks), 'The file ends here.');
		} finally {
			await server.stop();
		}
	});
});

describe('Ollama provider models', () => {
	const models: FakeOllamaModel[] = [
		{ name: 'qwen3:4b', family: 'qwen3', contextLength: 262144, loadedContextLength: 16384 },
		{ name: 'qwen3:8b', family: 'qwen3', contextLength: 40960, numCtx: 8192 },
		{ name: 'llama3.2:3b', family: 'llama', contextLength: 131072 },
		{ name: 'nomic-embed-text:latest', family: 'nomic-bert', contextLength: 2048, capabilities: ['embedding'] },
	];

	test('lists full tags with window sources', async () => {
		const server = await startFakeOllama({ models });
		try {
			const listed = await providerFor(server.baseUrl).listModels();
			assert.deepEqual(
				listed.map((model) => model.name),
				['qwen3:4b', 'qwen3:8b', 'llama3.2:3b', 'nomic-embed-text:latest'],
			);
			assert.equal(listed[0].id, 'ollama:qwen3:4b');

			assert.equal(listed[0].contextWindow, 16384);
			assert.equal(listed[0].contextWindowSource, 'running server');
			assert.deepEqual(listed[0].contextWindows, {
				runningServer: 16384,
				modelParameters: undefined,
				modelMetadata: 262144,
			});

			assert.equal(listed[1].contextWindow, 8192);
			assert.equal(listed[1].contextWindowSource, 'model parameters');
			assert.equal(listed[1].contextWindows?.modelMetadata, 40960);

			// Not loaded and no num_ctx: the server default applies, not the trained length from the metadata.
			assert.equal(listed[2].contextWindow, 4096);
			assert.equal(listed[2].contextWindowSource, 'server default');
			assert.equal(listed[2].contextWindows?.modelMetadata, 131072);

			assert.deepEqual(
				listed.map((model) => model.chat),
				[true, true, true, false],
			);
		} finally {
			await server.stop();
		}
	});

	test('loaded window from /api/ps beats metadata', async () => {
		const ps = JSON.parse(readFileSync(path.join(casesDir, 'ollama-ps.json'), 'utf8'));
		const loaded = ps.models[0] as { name: string; context_length: number };
		const server = await startFakeOllama({
			models: [
				{
					name: loaded.name,
					family: 'qwen3',
					contextLength: 262144,
					loadedContextLength: loaded.context_length,
				},
			],
		});
		try {
			const [model] = await providerFor(server.baseUrl).listModels();
			assert.equal(model.contextWindow, 16384);
			assert.equal(model.contextWindowSource, 'running server');
			assert.equal(model.contextWindows?.modelMetadata, 262144);
		} finally {
			await server.stop();
		}
	});

	test('one failing show marks that model', async () => {
		const server = await startFakeOllama({ models });
		const logger = recordingLogger();
		server.setFault({
			kind: 'status',
			status: 500,
			path: '/api/show',
			model: 'qwen3:8b',
			message: 'disk read failed',
		});
		try {
			const listed = await providerFor(server.baseUrl, logger).listModels();
			assert.equal(listed.length, 4);
			const failed = listed.find((model) => model.name === 'qwen3:8b');
			assert.ok(failed?.error?.includes('disk read failed'), failed?.error);
			assert.equal(failed?.chat, true);
			assert.equal(listed.filter((model) => model.error !== undefined).length, 1);
			assert.equal(listed.find((model) => model.name === 'nomic-embed-text:latest')?.chat, false);
			assert.ok(logger.lines.some((line) => line.includes('"qwen3:8b"') && line.includes('/api/show')));
		} finally {
			await server.stop();
		}
	});

	test('embedding family without capabilities is not chat', async () => {
		const server = await startFakeOllama({
			models: [{ name: 'all-minilm:latest', family: 'bert', contextLength: 512, capabilities: [] }],
		});
		try {
			const [model] = await providerFor(server.baseUrl).listModels();
			assert.equal(model.chat, false);
		} finally {
			await server.stop();
		}
	});

	test('model window after a chat comes from /api/ps', async () => {
		const server = await startFakeOllama({
			models: [{ name: 'qwen3:4b', family: 'qwen3', contextLength: 262144 }],
		});
		try {
			const provider = providerFor(server.baseUrl);
			await collect(provider.streamChat(chatRequest({ numCtx: 12288 })));
			const [model] = await provider.listModels();
			assert.equal(model.contextWindow, 12288);
			assert.equal(model.contextWindowSource, 'running server');
		} finally {
			await server.stop();
		}
	});
});

describe('Ollama provider connection', () => {
	test('refused connection says Ollama is not running', async () => {
		const server = await startFakeOllama();
		const host = server.baseUrl;
		await server.stop();
		const provider = providerFor(host);

		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof ConnectionError, `got ${String(error)}`);
		assert.ok(error.message.includes(`Ollama is not running at ${host}`), error.message);
		assert.ok(error.message.includes('ollama serve'));
		assert.ok(error.message.includes('llmLab.providers'));
		await assert.rejects(provider.listModels(), ConnectionError);
	});

	test('abort during listModels gives CancelledError', async () => {
		const server = await startFakeOllama();
		try {
			const controller = new AbortController();
			controller.abort();
			await assert.rejects(providerFor(server.baseUrl).listModels(controller.signal), CancelledError);
		} finally {
			await server.stop();
		}
	});
});

describe('Ollama provider response timeout', () => {
	test('no headers within the stall timeout gives RequestTimeoutError', async () => {
		const server = createServer(() => undefined);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const request = { model: 'llama3.2:3b', messages: [{ role: 'user' as const, content: 'Hi' }], stallTimeoutMs: 300 };
			let error: unknown;
			try {
				for await (const _chunk of providerFor(baseUrl).streamChat(request)) {
					// Nothing arrives.
				}
			} catch (caught) {
				error = caught;
			}
			assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
			assert.match(error.message, /accepted the connection but sent no response/);
			assert.doesNotMatch(error.message, /Could not connect/);
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});
});
