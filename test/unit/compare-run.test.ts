import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModelResolver } from '../../src/core/compare/call';
import { createModelResolver } from '../../src/core/compare/models';
import { runComparison, type RunOptions } from '../../src/core/compare/run';
import { readRunFile } from '../../src/core/compare/runFile';
import type { DatasetRow, RunEvent, RunRecord, Variant } from '../../src/core/compare/types';
import { CompareInputError, TemplateVariableError } from '../../src/core/errors';
import type { ProviderConfig } from '../../src/core/providers/types';
import { countChatTokens } from '../../src/core/tokens';
import type { FakeChatBody, FakeChatResponse } from '../fixtures/fake-openai';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';
import { type FakeOllama, startFakeOllama } from '../fixtures/fake-ollama';

function rowsOf(count: number): DatasetRow[] {
	return Array.from({ length: count }, (_, index) => ({
		index,
		line: index + 1,
		variables: { input: `item ${index}` },
		expected: `label ${index % 3}`,
	}));
}

/** Row number of a request, read from its last user message (`item N`). */
function rowOf(body: FakeChatBody): number {
	const last = body.messages?.filter((message) => message.role === 'user').at(-1);
	return Number(/item (\d+)/.exec(String(last?.content))?.[1]);
}

/** The `good` model always answers right; the `bad` one only on even rows. */
function labelFor(body: FakeChatBody): string {
	const row = rowOf(body);
	return body.model === 'bad' && row % 2 === 1 ? 'label wrong' : `label ${row % 3}`;
}

function openaiEntry(id: string, server: { baseUrl: string }): ProviderConfig {
	return { id, name: id, kind: 'openai', baseUrl: server.baseUrl };
}

async function tempRunFile(): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), 'llm-lab-run-'));
	return path.join(dir, '.llmlab', 'runs', 'test.jsonl');
}

/** A record without the fields that depend on timing. */
function withoutTiming(record: RunRecord): Partial<RunRecord> {
	const { latencyMs, firstTokenMs, finishedAt, ...rest } = record;
	void latencyMs;
	void firstTokenMs;
	void finishedAt;
	return rest;
}

const good: Variant = { id: 'good', label: 'Good', model: 'a:good', template: 'Label {{input}}' };
const bad: Variant = { id: 'bad', label: 'Bad', model: 'b:bad', system: 'Label tickets.', parameters: { temperature: 0 } };
const exact = [{ type: 'exact' as const }];

describe('comparison run on 200 rows', () => {
	let serverA: FakeOpenAI;
	let serverB: FakeOpenAI;
	let resolveModel: ModelResolver;
	const rows = rowsOf(200);
	const jitter = (index: number) => 10 + ((index * 7) % 15);

	before(async () => {
		const respond = (body: FakeChatBody, index: number): FakeChatResponse => ({ text: labelFor(body), delayMs: jitter(index) });
		serverA = await startFakeOpenAI({ models: ['good'], respond });
		serverB = await startFakeOpenAI({ models: ['bad'], respond });
		resolveModel = createModelResolver([openaiEntry('a', serverA), openaiEntry('b', serverB)]);
	});
	after(async () => {
		await serverA.stop();
		await serverB.stop();
	});

	test('completes within each provider limit', async () => {
		const runFile = await tempRunFile();
		const result = await runComparison({
			variants: [good, bad],
			rows,
			scorers: exact,
			resolveModel,
			runFile,
			concurrency: { a: 3, b: 5 },
		});
		assert.equal(result.status, 'completed');
		assert.equal(result.records.length, 400);
		assert.equal(serverA.maxActiveChats, 3);
		assert.equal(serverB.maxActiveChats, 5);
		assert.equal(result.summaries[0].passRate, 1);
		assert.equal(result.summaries[1].passRate, 0.5);
		assert.equal(result.summaries[0].errors, 0);
		assert.equal(result.summaries[0].promptTokensPerCall, 3 + 3 + 3);
		assert.equal(result.summaries[0].tokensEstimated, false);

		const stored = await readRunFile(runFile);
		assert.equal(stored.header.variants.length, 2);
		assert.match(stored.header.llmLabVersion, /^\d+\.\d+\.\d+/);
		assert.deepEqual(stored.records, result.records);
		const lines = (await readFile(runFile, 'utf8')).trimEnd().split('\n');
		assert.equal(lines.length, 401);
		const order = lines.slice(1).map((line) => JSON.parse(line) as RunRecord);
		assert.deepEqual(
			order.slice(0, 4).map((record) => [record.row, record.variant]),
			[
				[0, 'good'],
				[0, 'bad'],
				[1, 'good'],
				[1, 'bad'],
			],
		);
	});

	test('resume after abort runs only missing calls', async () => {
		const runFile = await tempRunFile();
		const controller = new AbortController();
		let recorded = 0;
		const options: RunOptions = { variants: [good, bad], rows, scorers: exact, resolveModel, runFile, concurrency: 4 };
		const requestsBefore = serverA.requests.length + serverB.requests.length;
		const first = await runComparison({
			...options,
			signal: controller.signal,
			onEvent: (event) => {
				if (event.type === 'recorded' && ++recorded === 150) {
					controller.abort();
				}
			},
		});
		assert.equal(first.status, 'cancelled');
		const saved = (await readRunFile(runFile)).records.length;
		// Calls that finished before the abort are written too: at most one per slot of the two providers.
		assert.ok(saved >= 150 && saved <= 158, `saved ${saved}`);

		const requestsBetween = serverA.requests.length + serverB.requests.length;
		const events: RunEvent[] = [];
		const second = await runComparison({ ...options, resume: true, onEvent: (event) => events.push(event) });
		const resumedRequests = serverA.requests.length + serverB.requests.length - requestsBetween;
		assert.ok(requestsBetween - requestsBefore >= saved);
		assert.equal(resumedRequests, 400 - saved);
		assert.equal(second.status, 'completed');
		assert.equal(second.runId, first.runId);
		assert.equal(second.records.length, 400);
		const started = events[0];
		assert.equal(started.type, 'started');
		assert.equal(started.type === 'started' && started.runId, first.runId);
		assert.equal(started.type === 'started' && started.total, 400);
		assert.equal(started.type === 'started' && started.alreadyDone, saved);
		assert.equal(started.type === 'started' && started.previous.length, saved);
		assert.deepEqual(started.type === 'started' && started.warnings, []);
		assert.equal((await readRunFile(runFile)).records.length, 400);
		assert.equal(second.summaries[1].passRate, 0.5);
	});

	test('a line cut by a crash is run again', async () => {
		const runFile = await tempRunFile();
		const few = rows.slice(0, 3);
		const options: RunOptions = { variants: [good], rows: few, scorers: exact, resolveModel, runFile };
		await runComparison(options);
		const text = await readFile(runFile, 'utf8');
		const lines = text.trimEnd().split('\n');
		// Keep the header and row 0, and leave half of row 1's line, as a crash during the write would.
		const { writeFile } = await import('node:fs/promises');
		await writeFile(runFile, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 40)}`);
		const before = serverA.requests.length;

		const resumed = await runComparison({ ...options, resume: true });
		assert.equal(serverA.requests.length - before, 2);
		assert.deepEqual(
			resumed.records.map((record) => record.row),
			[0, 1, 2],
		);
		const stored = await readRunFile(runFile);
		assert.deepEqual(stored.problems, []);
		assert.equal(stored.records.length, 3);
	});
});

describe('comparison run results', () => {
	let server: FakeOpenAI;
	let resolveModel: ModelResolver;
	let delayFor: (row: number) => number = () => 0;
	let respondOverride: ((body: FakeChatBody, index: number) => FakeChatResponse | undefined) | undefined;

	before(async () => {
		server = await startFakeOpenAI({
			models: ['good', 'bad', 'judge'],
			respond: (body, index) => respondOverride?.(body, index) ?? { text: labelFor(body), delayMs: delayFor(rowOf(body)) },
		});
		resolveModel = createModelResolver([openaiEntry('a', server), openaiEntry('b', server)]);
	});
	after(() => server.stop());

	function run(overrides: Partial<RunOptions>) {
		return runComparison({ variants: [good], rows: rowsOf(1), scorers: exact, resolveModel, ...overrides });
	}

	test('do not depend on arrival order', async () => {
		const rows = rowsOf(12);
		const outcomes: Array<{ arrival: number[]; records: Array<Partial<RunRecord>>; file: unknown[] }> = [];
		for (const delay of [(row: number) => (12 - row) * 25, (row: number) => row * 25]) {
			delayFor = delay;
			const runFile = await tempRunFile();
			const arrival: number[] = [];
			const result = await run({
				variants: [good, bad],
				rows,
				runFile,
				concurrency: 24,
				onEvent: (event) => {
					if (event.type === 'recorded' && event.record.variant === 'good') {
						arrival.push(event.record.row);
					}
				},
			});
			const file = (await readFile(runFile, 'utf8'))
				.trimEnd()
				.split('\n')
				.slice(1)
				.map((line) => withoutTiming(JSON.parse(line) as RunRecord));
			outcomes.push({ arrival, records: result.records.map(withoutTiming), file });
		}
		delayFor = () => 0;
		// Replies arrive roughly in reverse row order in the first run and in row order in the second.
		assert.ok(outcomes[0].arrival[0] > outcomes[0].arrival[11], `arrival ${outcomes[0].arrival}`);
		assert.ok(outcomes[1].arrival[0] < outcomes[1].arrival[11], `arrival ${outcomes[1].arrival}`);
		assert.deepEqual(outcomes[0].records, outcomes[1].records);
		assert.deepEqual(outcomes[0].file, outcomes[1].file);
		assert.deepEqual(
			outcomes[0].records.filter((record) => record.variant === 'good').map((record) => record.row),
			[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
		);
	});

	test('retry waits for Retry-After', async () => {
		const arrivals: number[] = [];
		respondOverride = (_body, index) => {
			arrivals.push(performance.now());
			return index === server.requests.length - 1 && arrivals.length === 1 ? { status: 429, retryAfter: '0.3' } : undefined;
		};
		const events: RunEvent[] = [];
		try {
			const result = await run({ onEvent: (event) => events.push(event) });
			assert.equal(result.records[0].attempts, 2);
			assert.equal(result.records[0].error, undefined);
			assert.equal(result.records[0].pass, true);
			const retry = events.find((event) => event.type === 'retrying');
			assert.equal(retry?.type === 'retrying' && retry.delayMs, 300);
			assert.equal(retry?.type === 'retrying' && retry.error.kind, 'RateLimitError');
			assert.ok(arrivals[1] - arrivals[0] >= 295, `retried after ${arrivals[1] - arrivals[0]} ms`);
		} finally {
			respondOverride = undefined;
		}
	});

	test('server errors back off exponentially', async () => {
		let failures = 0;
		respondOverride = () => (failures++ < 2 ? { status: 503 } : undefined);
		const delays: number[] = [];
		try {
			const result = await run({
				retry: { baseDelayMs: 20 },
				random: () => 1,
				onEvent: (event) => event.type === 'retrying' && delays.push(event.delayMs),
			});
			assert.equal(result.records[0].attempts, 3);
			assert.equal(result.records[0].error, undefined);
			assert.deepEqual(delays, [20, 40]);
		} finally {
			respondOverride = undefined;
		}
	});

	test('exhausted retries record the error', async () => {
		respondOverride = () => ({ status: 500 });
		try {
			const result = await run({ retry: { maxAttempts: 2, baseDelayMs: 1 } });
			const [record] = result.records;
			assert.equal(record.attempts, 2);
			assert.equal(record.error?.kind, 'ServerError');
			assert.equal(record.error?.status, 500);
			assert.equal(record.pass, false);
			assert.equal(record.costUsd, undefined);
			assert.equal(result.summaries[0].errors, 1);
			assert.equal(result.summaries[0].passRate, 0);
		} finally {
			respondOverride = undefined;
		}
	});

	test('authentication errors are not retried', async () => {
		respondOverride = () => ({ status: 401 });
		try {
			const result = await run({ retry: { baseDelayMs: 1 } });
			assert.equal(result.records[0].attempts, 1);
			assert.equal(result.records[0].error?.kind, 'AuthError');
		} finally {
			respondOverride = undefined;
		}
	});

	test('Retry-After above the maximum fails at once', async () => {
		respondOverride = () => ({ status: 429, retryAfter: '600' });
		try {
			const started = performance.now();
			const result = await run({});
			assert.equal(result.records[0].attempts, 1);
			assert.equal(result.records[0].error?.kind, 'RateLimitError');
			assert.ok(performance.now() - started < 5_000);
		} finally {
			respondOverride = undefined;
		}
	});

	test('abort during a retry wait stops the run', async () => {
		respondOverride = () => ({ status: 429, retryAfter: '30' });
		const controller = new AbortController();
		try {
			const started = performance.now();
			const result = await run({
				signal: controller.signal,
				onEvent: (event) => event.type === 'retrying' && controller.abort(),
			});
			assert.equal(result.status, 'cancelled');
			assert.equal(result.records.length, 0);
			assert.ok(performance.now() - started < 5_000);
		} finally {
			respondOverride = undefined;
		}
	});

	test('missing usage gives labelled estimates', async () => {
		server.setFault({ kind: 'noUsage' });
		try {
			const result = await run({});
			const [record] = result.records;
			assert.equal(record.tokensEstimated, true);
			const messages = [{ role: 'user' as const, content: 'Label item 0' }];
			assert.equal(record.promptTokens, countChatTokens(messages, 'o200k_base'));
			assert.equal(record.completionTokens, 3);
			assert.equal(result.summaries[0].tokensEstimated, true);
		} finally {
			server.setFault(undefined);
		}
	});

	test('logprobs give each output a perplexity', async () => {
		const result = await run({ variants: [{ ...good, parameters: { logprobs: true } }] });
		const figures = result.records[0].logprobs;
		// `label 0` is two tokens with the fake's logprobs -0.25 and -0.5.
		assert.equal(figures?.tokens, 2);
		assert.equal(figures?.meanNll, 0.375);
		assert.equal(figures?.perplexity, Math.exp(0.375));
		assert.equal(result.summaries[0].meanPerplexity, Math.exp(0.375));
	});

	test('judge usage and cost stay separate', async () => {
		respondOverride = (body) => (body.model === 'judge' ? { text: '{"score": 4, "reason": "close enough"}' } : undefined);
		const price = { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 };
		const priced: ModelResolver = (id) => ({ ...resolveModel(id), price });
		try {
			const result = await run({
				rows: rowsOf(2),
				resolveModel: priced,
				scorers: [{ type: 'judge', model: 'b:judge', rubric: 'Is the label right?', passScore: 4 }],
			});
			const [record] = result.records;
			const [score] = record.scores;
			assert.equal(score.score, 0.75);
			assert.equal(score.pass, true);
			assert.equal(score.detail, '4 of 5: close enough');
			assert.equal(score.judgeUsage?.completionTokens, 5);
			assert.equal(record.costUsd, record.promptTokens * 1 + record.completionTokens * 2);
			const summary = result.summaries[0];
			const judgeCost = result.records.reduce((total, each) => total + (each.scores[0].judgeUsage?.costUsd ?? 0), 0);
			assert.equal(summary.judgeCostUsd, judgeCost);
			assert.equal(summary.costUsd, result.records.reduce((total, each) => total + (each.costUsd ?? 0), 0));
			assert.equal(summary.judgeCompletionTokens, 10);
			const judgeRequest = server.requests.at(-1)?.body as FakeChatBody;
			assert.equal(judgeRequest.temperature, 0);
			assert.match(String(judgeRequest.messages?.[0].content), /Is the label right\?/);
		} finally {
			respondOverride = undefined;
		}
	});

	test('failed judge call is kept out of pass', async () => {
		respondOverride = (body) => (body.model === 'judge' ? { status: 401 } : undefined);
		try {
			const result = await run({ scorers: [{ type: 'exact' }, { type: 'judge', model: 'b:judge', rubric: 'Right?' }] });
			const [record] = result.records;
			assert.match(record.scores[1].error ?? '', /judge call failed/);
			assert.equal(record.pass, true);
		} finally {
			respondOverride = undefined;
		}
	});

	test('missing variable stops before any request', async () => {
		const before = server.requests.length;
		await assert.rejects(run({ variants: [{ ...good, template: '{{input}} {{context}}' }] }), TemplateVariableError);
		assert.equal(server.requests.length, before);
	});

	test('resume rejects changed variants', async () => {
		const runFile = await tempRunFile();
		await run({ runFile });
		await assert.rejects(run({ runFile, resume: true, variants: [{ ...good, system: 'Changed.' }] }), CompareInputError);
	});

	test('new run never overwrites a run file', async () => {
		const runFile = await tempRunFile();
		await run({ runFile });
		await assert.rejects(run({ runFile }), /already exists/);
	});

	test('unknown provider is named', async () => {
		await assert.rejects(run({ variants: [{ ...good, model: 'nowhere:x' }] }), /"nowhere:x" does not name a configured provider/);
	});
});

describe('comparison run on Ollama', () => {
	let ollama: FakeOllama;

	before(async () => {
		ollama = await startFakeOllama({ replyText: 'label 0' });
	});
	after(() => ollama.stop());

	test('uses reported usage and warns about logprobs', async () => {
		const resolveModel = createModelResolver([{ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: ollama.baseUrl }]);
		const events: RunEvent[] = [];
		const result = await runComparison({
			variants: [{ id: 'local', label: 'Local', model: 'ollama:qwen3:4b', parameters: { logprobs: true, topP: 0.9, stop: ['\n\n'] } }],
			rows: rowsOf(2),
			scorers: exact,
			resolveModel,
			onEvent: (event) => events.push(event),
		});
		assert.equal(result.summaries[0].passRate, 0.5);
		assert.equal(result.records[0].tokensEstimated, false);
		assert.equal(result.records[0].logprobs, undefined);
		const started = events[0];
		assert.equal(started.type === 'started' && started.warnings.length, 1);
		const body = ollama.requests.find((request) => request.path === '/api/chat')?.body as { options?: Record<string, unknown> };
		assert.equal(body.options?.top_p, 0.9);
		assert.deepEqual(body.options?.stop, ['\n\n']);
	});
});
