import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ModelResolver } from '../../src/core/compare/call';
import { runComparison } from '../../src/core/compare/run';
import type { DatasetRow, Variant } from '../../src/core/compare/types';
import { createProvider } from '../../src/core/providers/index';
import { type LlamaServer, startLlamaServer } from '../fixtures/llama-server';

const rows: DatasetRow[] = ['Name three colours.', 'Count to five.', 'Say hello.'].map((input, index) => ({
	index,
	line: index + 1,
	variables: { input },
}));

const greedy: Variant = {
	id: 'greedy',
	label: 'Greedy',
	model: 'llama:tiny',
	system: 'You are terse.',
	parameters: { temperature: 0, seed: 42, maxTokens: 8, logprobs: true },
};

/** Reads every token logprob from a raw SSE body of `/v1/chat/completions`, without any of our parsing code. */
function logprobsFromSse(body: string): number[] {
	const values: number[] = [];
	for (const line of body.split('\n')) {
		if (!line.startsWith('data: ') || line === 'data: [DONE]') {
			continue;
		}
		const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ logprobs?: { content?: Array<{ logprob: number }> } }> };
		for (const entry of chunk.choices?.[0]?.logprobs?.content ?? []) {
			values.push(entry.logprob);
		}
	}
	return values;
}

describe('comparison against llama-server', () => {
	let server: LlamaServer;
	let resolveModel: ModelResolver;
	const rawBodies: Array<Promise<string>> = [];

	before(async () => {
		server = await startLlamaServer({ contextSize: 512 });
		// Keeps a copy of each chat response body, so the test can read the server's own figures.
		const recordingFetch: typeof fetch = async (input, init) => {
			const response = await fetch(input, init);
			if (!String(input instanceof Request ? input.url : input).endsWith('/chat/completions') || !response.body) {
				return response;
			}
			const [forClient, forTest] = response.body.tee();
			rawBodies.push(new Response(forTest).text());
			return new Response(forClient, { status: response.status, statusText: response.statusText, headers: response.headers });
		};
		const provider = createProvider({ id: 'llama', name: 'llama-server', kind: 'openai', baseUrl: `${server.baseUrl}/v1` }, { fetch: recordingFetch });
		resolveModel = () => ({ provider, name: 'tiny', encoding: 'o200k_base' });
	});
	after(() => server?.stop());

	test('perplexity matches the raw logprobs', async () => {
		rawBodies.length = 0;
		const result = await runComparison({ variants: [greedy], rows, resolveModel, concurrency: 1 });
		assert.equal(result.status, 'completed');
		const bodies = await Promise.all(rawBodies);
		assert.equal(bodies.length, rows.length);
		for (const record of result.records) {
			// With one call at a time, request N is row N.
			const logprobs = logprobsFromSse(bodies[record.row]);
			assert.equal(logprobs.length, record.completionTokens, `row ${record.row}`);
			const expected = Math.exp(-logprobs.reduce((sum, value) => sum + value, 0) / logprobs.length);
			assert.ok(record.logprobs, `row ${record.row} has no logprob figures`);
			assert.equal(record.logprobs.tokens, logprobs.length);
			assert.ok(Math.abs(record.logprobs.perplexity - expected) <= 1e-9 * expected, `${record.logprobs.perplexity} against ${expected}`);
		}
	});

	test('seeded greedy run repeats its outputs', async () => {
		const first = await runComparison({ variants: [greedy], rows, resolveModel, concurrency: 2 });
		const second = await runComparison({ variants: [greedy], rows, resolveModel, concurrency: 2 });
		const outputs = (result: typeof first) => result.records.map((record) => record.output);
		assert.ok(outputs(first).every((output) => output !== ''));
		assert.deepEqual(outputs(second), outputs(first));
		assert.deepEqual(
			second.records.map((record) => record.finishReason),
			['length', 'length', 'length'],
		);
	});

	test('usage comes from the server', async () => {
		const result = await runComparison({ variants: [greedy], rows: rows.slice(0, 1), resolveModel });
		assert.equal(result.records[0].tokensEstimated, false);
		assert.equal(result.records[0].completionTokens, 8);
	});
});
