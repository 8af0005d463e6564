import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
	AuthError,
	BadResponseError,
	CancelledError,
	ConnectionError,
	ContextOverflowError,
	MissingKeyError,
	ModelNotFoundError,
	RateLimitError,
	RequestTimeoutError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import { createProvider } from '../../src/core/providers/index';
import { OpenAIProvider } from '../../src/core/providers/openai';
import type { ChatChunk, ChatProvider, ChatRequest, ProviderConfig } from '../../src/core/providers/types';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';

const casesDir = path.join(__dirname, '../fixtures/cases');
const key = 'sk-test-0123456789';
const reply = 'One two three four five six.';

/** Creates a provider for `baseUrl`; pass `null` as `apiKey` for a provider without a key. */
function providerFor(baseUrl: string, apiKey: string | null = key, logger?: Logger): ChatProvider {
	const config: ProviderConfig = { id: 'local', name: 'Local', kind: 'openai', baseUrl };
	return createProvider(config, { apiKey: apiKey ?? undefined, logger });
}

function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
	return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], ...overrides };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
	const chunks: ChatChunk[] = [];
	for await (const chunk of stream) {
		chunks.push(chunk);
	}
	return chunks;
}

/** Collects chunks until the stream throws, and returns both. */
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

describe('OpenAI provider', () => {
	let server: FakeOpenAI;
	let provider: ChatProvider;

	before(async () => {
		server = await startFakeOpenAI({ apiKey: key, replyText: reply, models: ['gpt-4o-mini', 'gpt-4.1'] });
		provider = providerFor(server.baseUrl);
	});
	after(() => server.stop());
	beforeEach(() => server.setFault(undefined));

	test('streams text, usage and finish', async () => {
		const chunks = await collect(provider.streamChat(chatRequest()));
		assert.equal(textOf(chunks), reply);
		assert.deepEqual(
			chunks.filter((chunk) => chunk.type !== 'delta'),
			[
				{ type: 'usage', usage: { promptTokens: 8, completionTokens: 6 } },
				{ type: 'finish', reason: 'stop' },
			],
		);
	});

	test('sends stream_options, max_tokens and temperature', async () => {
		await collect(provider.streamChat(chatRequest({ maxTokens: 3, temperature: 0.2 })));
		const body = server.requests.at(-1)?.body as Record<string, unknown>;
		assert.equal(body.stream, true);
		assert.deepEqual(body.stream_options, { include_usage: true });
		assert.equal(body.max_tokens, 3);
		assert.equal(body.temperature, 0.2);
	});

	test('max_tokens reached finishes with length', async () => {
		const chunks = await collect(provider.streamChat(chatRequest({ maxTokens: 2 })));
		assert.equal(textOf(chunks), 'One two');
		assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'length' });
	});

	test('lists models from /v1/models', async () => {
		const models = await provider.listModels();
		assert.deepEqual(
			models.map((model) => model.id),
			['local:gpt-4o-mini', 'local:gpt-4.1'],
		);
		assert.equal(models[0].contextWindowSource, 'unknown');
		assert.equal(models[0].chat, true);
	});

	test('missing usage chunk emits no usage', async () => {
		server.setFault({ kind: 'noUsage' });
		const chunks = await collect(provider.streamChat(chatRequest()));
		assert.equal(textOf(chunks), reply);
		assert.equal(chunks.filter((chunk) => chunk.type === 'usage').length, 0);
		assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
	});

	test('slow first token within the stall timeout succeeds', async () => {
		server.setFault({ kind: 'slowFirstToken', delayMs: 150 });
		const chunks = await collect(provider.streamChat(chatRequest({ stallTimeoutMs: 2000 })));
		assert.equal(textOf(chunks), reply);
	});

	const statusCases = [
		{ status: 401, errorClass: AuthError, words: ['rejected the API key', 'Set a valid key'] },
		{ status: 403, errorClass: AuthError, words: ['rejected the API key'] },
		{ status: 404, errorClass: ModelNotFoundError, words: ['"gpt-4o-mini"', 'was not found', 'model list'] },
		{ status: 429, errorClass: RateLimitError, words: ['rate limiting', 'Wait 7 s'] },
		{ status: 500, errorClass: ServerError, words: ['HTTP 500', "check the server's log"] },
		{ status: 503, errorClass: ServerError, words: ['HTTP 503'] },
	];
	for (const { status, errorClass, words } of statusCases) {
		test(`HTTP ${status} gives ${errorClass.name}`, async () => {
			server.setFault({ kind: 'status', status, retryAfter: '7' });
			const { error } = await collectUntilError(provider.streamChat(chatRequest()));
			assert.ok(error instanceof errorClass, `got ${String(error)}`);
			assert.equal(error.status, status);
			assert.equal(error.url, `${server.baseUrl}/chat/completions`);
			assert.ok(error.message.includes(server.baseUrl), error.message);
			for (const word of words) {
				assert.ok(error.message.includes(word), `"${word}" missing from: ${error.message}`);
			}
		});
	}

	test('429 carries Retry-After in milliseconds', async () => {
		server.setFault({ kind: 'status', status: 429, retryAfter: '7' });
		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof RateLimitError);
		assert.equal(error.retryAfterMs, 7000);
	});

	test('429 is not retried', async () => {
		server.setFault({ kind: 'status', status: 429, retryAfter: '1' });
		const before = server.requests.length;
		await collectUntilError(provider.streamChat(chatRequest()));
		assert.equal(server.requests.length - before, 1);
	});

	test('unknown model gives ModelNotFoundError', async () => {
		const { error } = await collectUntilError(provider.streamChat(chatRequest({ model: 'no-such-model' })));
		assert.ok(error instanceof ModelNotFoundError);
		assert.equal(error.model, 'no-such-model');
		assert.ok(error.message.includes('"no-such-model"'));
	});

	test('wrong key gives AuthError without the key', async () => {
		const wrongKey = 'sk-wrong-key-4242';
		const wrong = providerFor(server.baseUrl, wrongKey);
		const { error } = await collectUntilError(wrong.streamChat(chatRequest()));
		assert.ok(error instanceof AuthError);
		assert.ok(!error.message.includes(wrongKey));
		assert.ok(error.message.includes('"local"'));
	});

	test('listModels maps HTTP 401 to AuthError', async () => {
		const wrong = providerFor(server.baseUrl, 'sk-other');
		await assert.rejects(wrong.listModels(), AuthError);
	});

	test('listModels maps HTTP 500 to ServerError', async () => {
		server.setFault({ kind: 'status', status: 500, path: '/v1/models' });
		await assert.rejects(provider.listModels(), ServerError);
	});

	test('cut stream gives StreamCutError after partial text', async () => {
		server.setFault({ kind: 'cut', afterChunks: 2 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof StreamCutError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One two');
		assert.ok(error.message.includes(server.baseUrl));
		assert.ok(error.message.includes('retry'));
	});

	test('stall gives StreamStalledError with partial text', async () => {
		server.setFault({ kind: 'stall', afterChunks: 2 });
		const started = Date.now();
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest({ stallTimeoutMs: 300 })));
		assert.ok(error instanceof StreamStalledError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One two');
		assert.ok(Date.now() - started < 5000);
		assert.ok(error.message.includes('300 ms'));
		assert.ok(error.message.includes('"gpt-4o-mini"'));
		const closed = await server.requests.at(-1)?.closed;
		assert.equal(closed?.beforeEnd, true);
	});

	test('slow first token past the stall timeout stalls', async () => {
		server.setFault({ kind: 'slowFirstToken', delayMs: 1500 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest({ stallTimeoutMs: 200 })));
		assert.ok(error instanceof StreamStalledError, `got ${String(error)}`);
		assert.equal(chunks.length, 0);
	});

	test('malformed chunk gives BadResponseError', async () => {
		server.setFault({ kind: 'malformedChunk', afterChunks: 1 });
		const { chunks, error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof BadResponseError, `got ${String(error)}`);
		assert.equal(textOf(chunks), 'One');
		assert.ok(error.message.includes('not valid JSON'));
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
		assert.equal(textOf(chunks), 'One two');
		const closed = await server.requests.at(-1)?.closed;
		assert.equal(closed?.beforeEnd, true);
	});

	test('abort before sending gives CancelledError', async () => {
		const controller = new AbortController();
		controller.abort();
		const { error } = await collectUntilError(provider.streamChat(chatRequest({ signal: controller.signal })));
		assert.ok(error instanceof CancelledError);
	});
});

describe('OpenAI provider usage chunk', () => {
	test('reads usage from a chunk with empty choices', async () => {
		const sse = readFileSync(path.join(casesDir, 'openai-usage-final-chunk.sse'), 'utf8');
		const server = await startFakeOpenAI({ replaySse: sse });
		try {
			const chunks = await collect(providerFor(server.baseUrl, null).streamChat(chatRequest()));
			assert.equal(textOf(chunks), 'Hello there.');
			assert.deepEqual(chunks.slice(-2), [
				{ type: 'usage', usage: { promptTokens: 18, completionTokens: 3 } },
				{ type: 'finish', reason: 'stop' },
			]);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider non-streaming fallback', () => {
	test('retries once without streaming and remembers', async () => {
		const server = await startFakeOpenAI({ replyText: reply });
		const logger = recordingLogger();
		try {
			server.setFault({ kind: 'rejectStreaming' });
			const provider = providerFor(server.baseUrl, null, logger);

			const first = await collect(provider.streamChat(chatRequest()));
			assert.equal(textOf(first), reply);
			assert.deepEqual(first.slice(-2), [
				{ type: 'usage', usage: { promptTokens: 8, completionTokens: 6 } },
				{ type: 'finish', reason: 'stop' },
			]);
			assert.deepEqual(
				server.requests.map((request) => (request.body as { stream?: boolean }).stream),
				[true, false],
			);

			const second = await collect(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.equal(textOf(second), reply);
			assert.deepEqual(
				server.requests.map((request) => (request.body as { stream?: boolean }).stream),
				[true, false, false],
			);
			assert.ok(logger.lines.some((line) => line.includes('retrying without streaming')));
		} finally {
			await server.stop();
		}
	});

	test('context overflow is not retried without streaming', async () => {
		const server = await startFakeOpenAI({ contextWindow: 5 });
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.ok(error instanceof ContextOverflowError, `got ${String(error)}`);
			assert.equal(server.requests.length, 1);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider context overflow', () => {
	test('llama-server body gives both numbers', async () => {
		const server = await startFakeOpenAI({ contextWindow: 5, overflowStyle: 'llama-server' });
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.ok(error instanceof ContextOverflowError, `got ${String(error)}`);
			assert.equal(error.promptTokens, 8);
			assert.equal(error.contextWindow, 5);
			assert.ok(error.message.includes('8 tokens'));
			assert.ok(error.message.includes('Shorten the conversation'));
		} finally {
			await server.stop();
		}
	});

	test('OpenAI body gives ContextOverflowError', async () => {
		const server = await startFakeOpenAI({ contextWindow: 5 });
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.ok(error instanceof ContextOverflowError);
			assert.equal(error.status, 400);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider keys', () => {
	test('sends each key only to its own base URL', async () => {
		const first = await startFakeOpenAI({ apiKey: 'sk-first' });
		const second = await startFakeOpenAI();
		const savedKey = process.env.OPENAI_API_KEY;
		process.env.OPENAI_API_KEY = 'sk-from-environment';
		try {
			await collect(providerFor(first.baseUrl, 'sk-first').streamChat(chatRequest()));
			await providerFor(first.baseUrl, 'sk-first').listModels();
			await collect(providerFor(second.baseUrl, null).streamChat(chatRequest()));
			await providerFor(second.baseUrl, null).listModels();

			// listModels also probes llama.cpp's /props next to /v1; that path is outside the base URL, so no key.
			const underBase = (request: { path: string }) => request.path.startsWith('/v1/');
			assert.ok(first.requests.filter(underBase).every((request) => request.headers.authorization === 'Bearer sk-first'));
			assert.ok(first.requests.filter((request) => !underBase(request)).every((request) => request.headers.authorization === undefined));
			assert.equal(second.requests.filter(underBase).length, 2);
			assert.ok(second.requests.every((request) => request.headers.authorization === undefined));
		} finally {
			if (savedKey === undefined) {
				delete process.env.OPENAI_API_KEY;
			} else {
				process.env.OPENAI_API_KEY = savedKey;
			}
			await first.stop();
			await second.stop();
		}
	});

	test('never logs the key', async () => {
		const server = await startFakeOpenAI({ apiKey: 'sk-other' });
		const logger = recordingLogger();
		try {
			await collectUntilError(providerFor(server.baseUrl, key, logger).streamChat(chatRequest()));
			await providerFor(server.baseUrl, key, logger)
				.listModels()
				.catch(() => undefined);
			assert.ok(logger.lines.every((line) => !line.includes(key)));
		} finally {
			await server.stop();
		}
	});

	test('api.openai.com without a key gives MissingKeyError', async () => {
		const provider = providerFor('https://api.openai.com/v1', null);
		const { error } = await collectUntilError(provider.streamChat(chatRequest()));
		assert.ok(error instanceof MissingKeyError);
		assert.ok(error.message.includes('"local"'));
		await assert.rejects(provider.listModels(), MissingKeyError);
	});
});

describe('OpenAI provider connection', () => {
	test('refused connection gives ConnectionError', async () => {
		const server = await startFakeOpenAI();
		const baseUrl = server.baseUrl;
		await server.stop();
		const { error } = await collectUntilError(providerFor(baseUrl).streamChat(chatRequest()));
		assert.ok(error instanceof ConnectionError, `got ${String(error)}`);
		assert.ok(error.message.includes(baseUrl));
		assert.ok(error.message.includes('llmLab.providers'));
		await assert.rejects(providerFor(baseUrl).listModels(), ConnectionError);
	});
});

/** Starts a bare HTTP server on 127.0.0.1 whose handler writes every response, for servers the fake does not model. */
async function startRawServer(
	handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ baseUrl: string; stop(): Promise<void> }> {
	const server = createServer((request, response) => {
		request.resume();
		request.on('end', () => handler(request, response));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

describe('OpenAI provider unstreamed replies', () => {
	test('JSON body to a streamed request is read whole', async () => {
		const completion = {
			id: 'chatcmpl-1',
			object: 'chat.completion',
			choices: [{ index: 0, message: { role: 'assistant', content: 'Whole reply.' }, finish_reason: 'length' }],
			usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
		};
		const server = await startRawServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
			response.end(JSON.stringify(completion));
		});
		try {
			const chunks = await collect(providerFor(server.baseUrl, null).streamChat(chatRequest()));
			assert.equal(textOf(chunks), 'Whole reply.');
			assert.deepEqual(chunks.slice(-2), [
				{ type: 'usage', usage: { promptTokens: 7, completionTokens: 3 } },
				{ type: 'finish', reason: 'length' },
			]);
		} finally {
			await server.stop();
		}
	});

	test('HTML body gives BadResponseError naming it', async () => {
		const server = await startRawServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/html' });
			response.end('<html><body>Welcome</body></html>');
		});
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl, null).streamChat(chatRequest()));
			assert.ok(error instanceof BadResponseError, `got ${String(error)}`);
			assert.match(error.message, /content type "text\/html"/);
			assert.match(error.message, /not point at an OpenAI-compatible API/);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider error events', () => {
	test('error event names the server and quotes it', async () => {
		const first = { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] };
		const failure = { error: { message: 'Out of memory while decoding', type: 'server_error' } };
		const sse = `data: ${JSON.stringify(first)}\n\ndata: ${JSON.stringify(failure)}\n\n`;
		const server = await startFakeOpenAI({ replaySse: sse });
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl, null).streamChat(chatRequest()));
			assert.ok(error instanceof ServerError, `got ${String(error)}`);
			assert.ok(error.message.includes(`The server at ${server.baseUrl}/chat/completions`), error.message);
			assert.ok(error.message.includes('"Out of memory while decoding"'), error.message);
			assert.doesNotMatch(error.message, /HTTP error event/);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider response timeout', () => {
	test('no headers within the stall timeout gives RequestTimeoutError', async () => {
		const server = await startRawServer(() => undefined);
		try {
			const { error } = await collectUntilError(
				providerFor(server.baseUrl, null).streamChat(chatRequest({ stallTimeoutMs: 300 })),
			);
			assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
			assert.match(error.message, /accepted the connection but sent no response/);
			assert.match(error.message, /within 0\.3 s/);
			assert.doesNotMatch(error.message, /Could not connect/);
		} finally {
			await server.stop();
		}
	});

	test('no headers within the response timeout gives RequestTimeoutError', async () => {
		const server = await startRawServer(() => undefined);
		const config: ProviderConfig = { id: 'local', name: 'Local', kind: 'openai', baseUrl: server.baseUrl };
		try {
			const provider = new OpenAIProvider(config, { responseTimeoutMs: 300 });
			const error = await provider.listModels().then(
				() => undefined,
				(reason: unknown) => reason,
			);
			assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
			assert.match(error.message, /sent no response within 0\.3 s/);
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider redirects', () => {
	test('redirect to another host is not followed', async () => {
		let reached = 0;
		const other = await startRawServer((_request, response) => {
			reached++;
			response.writeHead(500);
			response.end();
		});
		const otherHost = new URL(other.baseUrl).host;
		const server = await startRawServer((_request, response) => {
			response.writeHead(307, { location: `${other.baseUrl}/chat/completions` });
			response.end();
		});
		try {
			const { error } = await collectUntilError(providerFor(server.baseUrl).streamChat(chatRequest()));
			assert.ok(error instanceof BadResponseError, `got ${String(error)}`);
			assert.ok(error.message.includes(new URL(server.baseUrl).host), error.message);
			assert.ok(error.message.includes(`to ${otherHost}`), error.message);
			assert.match(error.message, /llmLab\.providers/);
			assert.equal(reached, 0);
		} finally {
			await server.stop();
			await other.stop();
		}
	});

	test('redirect within the same host is followed', async () => {
		const completion = {
			choices: [{ index: 0, message: { role: 'assistant', content: 'Moved.' }, finish_reason: 'stop' }],
		};
		const server = await startRawServer((request, response) => {
			if (request.url === '/v1/chat/completions') {
				response.writeHead(308, { location: '/v2/chat/completions' });
				response.end();
				return;
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(completion));
		});
		try {
			const chunks = await collect(providerFor(server.baseUrl, null).streamChat(chatRequest()));
			assert.equal(textOf(chunks), 'Moved.');
		} finally {
			await server.stop();
		}
	});
});

describe('OpenAI provider keepalives', () => {
	test('keepalive comments alone still stall', { timeout: 5000 }, async () => {
		const timers: NodeJS.Timeout[] = [];
		const server = await startRawServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			const role = { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
			response.write(`data: ${JSON.stringify(role)}\n\n`);
			timers.push(setInterval(() => response.write(': keepalive\n\n'), 50));
		});
		try {
			const started = Date.now();
			const { error } = await collectUntilError(
				providerFor(server.baseUrl, null).streamChat(chatRequest({ stallTimeoutMs: 300 })),
			);
			assert.ok(error instanceof StreamStalledError, `got ${String(error)}`);
			assert.ok(Date.now() - started < 3000, `stalled after ${Date.now() - started} ms`);
		} finally {
			timers.forEach(clearInterval);
			await server.stop();
		}
	});
});
