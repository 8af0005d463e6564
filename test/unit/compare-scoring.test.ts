import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffWords } from 'diff';
import { percentile, summarizeRun } from '../../src/core/compare/aggregate';
import { computeBreakEven } from '../../src/core/compare/breakEven';
import { wordDiff } from '../../src/core/compare/diff';
import { readJudgeReply } from '../../src/core/compare/judge';
import { checkScorers, firstNumber, scoreLocally, scoreOutput } from '../../src/core/compare/scorers';
import type { RunRecord, Variant } from '../../src/core/compare/types';
import { CompareInputError } from '../../src/core/errors';

describe('local scorers', () => {
	test('exact match trims by default', () => {
		assert.equal(scoreLocally({ type: 'exact' }, { input: '', output: ' label 1\n', expected: 'label 1' })?.pass, true);
		assert.equal(scoreLocally({ type: 'exact', trim: false }, { input: '', output: ' label 1', expected: 'label 1' })?.pass, false);
	});

	test('exact match is case sensitive unless told', () => {
		assert.equal(scoreLocally({ type: 'exact' }, { input: '', output: 'Label', expected: 'label' })?.pass, false);
		assert.equal(scoreLocally({ type: 'exact', caseSensitive: false }, { input: '', output: 'Label', expected: 'label' })?.pass, true);
	});

	test('scorers needing expected skip rows without it', () => {
		assert.equal(scoreLocally({ type: 'exact' }, { input: '', output: 'x' }), undefined);
		assert.equal(scoreLocally({ type: 'contains' }, { input: '', output: 'x' }), undefined);
		assert.equal(scoreLocally({ type: 'numeric' }, { input: '', output: '3' }), undefined);
	});

	test('contains uses value or expected', () => {
		assert.equal(scoreLocally({ type: 'contains', value: 'refund' }, { input: '', output: 'A refund is due.' })?.score, 1);
		assert.equal(scoreLocally({ type: 'contains' }, { input: '', output: 'It is hardware.', expected: 'hardware' })?.pass, true);
		assert.equal(scoreLocally({ type: 'contains' }, { input: '', output: 'It is HARDWARE.', expected: 'hardware' })?.pass, false);
	});

	test('regex ignores the global flag', () => {
		const spec = { type: 'regex' as const, pattern: '^\\d{3}$', flags: 'g' };
		assert.equal(scoreLocally(spec, { input: '', output: '123' })?.pass, true);
		assert.equal(scoreLocally(spec, { input: '', output: '123' })?.pass, true);
		assert.equal(scoreLocally(spec, { input: '', output: '12a' })?.pass, false);
	});

	test('JSON scorer accepts a fenced object', () => {
		assert.equal(scoreLocally({ type: 'json' }, { input: '', output: '```json\n{"a": 1}\n```' })?.pass, true);
		const invalid = scoreLocally({ type: 'json' }, { input: '', output: '{"a": 1,}' });
		assert.equal(invalid?.pass, false);
		assert.match(invalid?.detail ?? '', /^Not valid JSON/);
	});

	test('JSON scorer checks the schema', () => {
		const schema = { type: 'object', required: ['label'], properties: { label: { enum: ['hardware', 'billing'] } } };
		assert.equal(scoreLocally({ type: 'json', schema }, { input: '', output: '{"label": "billing"}' })?.pass, true);
		const wrong = scoreLocally({ type: 'json', schema }, { input: '', output: '{"label": "other"}' });
		assert.equal(wrong?.pass, false);
		assert.match(wrong?.detail ?? '', /\/label must be equal to one of the allowed values/);
	});

	test('numeric closeness uses the tolerance', () => {
		const absolute = { type: 'numeric' as const, tolerance: 0.5 };
		assert.equal(scoreLocally(absolute, { input: '', output: 'About 10.4 kg', expected: '10' })?.pass, true);
		const far = scoreLocally(absolute, { input: '', output: '12', expected: '10' });
		assert.equal(far?.pass, false);
		assert.equal(far?.score, 0.8);
		const relative = { type: 'numeric' as const, tolerance: 0.1, relative: true };
		assert.equal(scoreLocally(relative, { input: '', output: '1,080', expected: '1000' })?.pass, true);
		assert.equal(scoreLocally(relative, { input: '', output: 'none', expected: '1000' })?.pass, false);
	});

	test('first number reads signs, separators and exponents', () => {
		assert.equal(firstNumber('total: -1,234.5 units'), -1234.5);
		assert.equal(firstNumber('1e3'), 1000);
		assert.equal(firstNumber('.5'), 0.5);
		assert.equal(firstNumber('no digits'), undefined);
	});

	test('invalid definitions are rejected before a run', () => {
		assert.throws(() => checkScorers([{ type: 'regex', pattern: '(' }]), CompareInputError);
		assert.throws(() => checkScorers([{ type: 'json', schema: { type: 'no-such-type' } }]), CompareInputError);
		assert.throws(() => checkScorers([{ type: 'exact' }, { type: 'exact' }]), /Two scorers have the id "exact"/);
		assert.throws(() => checkScorers([{ type: 'judge', model: 'a:b', rubric: 'r', min: 5, max: 5 }]), CompareInputError);
	});

	test('judge without a judge call is an error', async () => {
		await assert.rejects(scoreOutput([{ type: 'judge', model: 'a:b', rubric: 'r' }], { input: '', output: '' }), CompareInputError);
	});
});

describe('judge replies', () => {
	test('JSON grade with reason', () => {
		assert.deepEqual(readJudgeReply('Sure. {"score": 3, "reason": "partly"}', 1, 5), { score: 3, reason: 'partly' });
	});

	test('phrase grade', () => {
		assert.deepEqual(readJudgeReply('Score: 4/5', 1, 5), { score: 4 });
	});

	test('out of scale or missing is no grade', () => {
		assert.equal(readJudgeReply('{"score": 9}', 1, 5), undefined);
		assert.equal(readJudgeReply('Looks fine.', 1, 5), undefined);
	});
});

describe('aggregates', () => {
	const variant: Variant = { id: 'v', label: 'V', model: 'a:b' };
	function record(row: number, fields: Partial<RunRecord>): RunRecord {
		return {
			type: 'result',
			row,
			variant: 'v',
			output: '',
			promptTokens: 100,
			completionTokens: 10,
			tokensEstimated: false,
			latencyMs: 100,
			finishReason: 'stop',
			attempts: 1,
			scores: [],
			finishedAt: '2026-12-04T00:00:00.000Z',
			...fields,
		};
	}

	test('percentile uses nearest rank', () => {
		const values = Array.from({ length: 20 }, (_, index) => index + 1);
		assert.equal(percentile(values, 50), 10);
		assert.equal(percentile(values, 95), 19);
		assert.equal(percentile([7], 95), 7);
		assert.equal(percentile([], 50), undefined);
	});

	test('summary counts errors as failed', () => {
		const records = [
			record(0, { scores: [{ scorer: 'exact', score: 1, pass: true }], pass: true, costUsd: 0.002, latencyMs: 100, firstTokenMs: 40 }),
			record(1, { scores: [{ scorer: 'exact', score: 0, pass: false }], pass: false, costUsd: 0.004, latencyMs: 300, firstTokenMs: 60 }),
			record(2, { promptTokens: 50, completionTokens: 0, error: { kind: 'ServerError', message: 'x' }, pass: false, latencyMs: 5 }),
			record(3, { promptTokens: 130, completionTokens: 20, latencyMs: 200, tokensEstimated: true }),
		];
		const [summary] = summarizeRun([variant], records);
		assert.equal(summary.calls, 4);
		assert.equal(summary.errors, 1);
		assert.equal(summary.judged, 3);
		assert.equal(summary.passed, 1);
		assert.equal(summary.passRate, 1 / 3);
		assert.equal(summary.meanScore, 0.5);
		assert.deepEqual(summary.scorers, { exact: { count: 2, meanScore: 0.5, passRate: 0.5 } });
		assert.equal(summary.promptTokensPerCall, 110);
		assert.equal(summary.completionTokensPerCall, 40 / 3);
		assert.equal(summary.tokensEstimated, true);
		assert.equal(summary.latencyP50Ms, 200);
		assert.equal(summary.latencyP95Ms, 300);
		assert.equal(summary.firstTokenP50Ms, 40);
		assert.equal(summary.costUsd, 0.006);
		assert.equal(summary.costPer1000CallsUsd, 3);
		assert.equal(summary.judgeCostUsd, undefined);
	});

	test('summary without scores has no pass rate', () => {
		const [summary] = summarizeRun([variant], [record(0, {})]);
		assert.equal(summary.passRate, undefined);
		assert.equal(summary.meanScore, undefined);
		assert.equal(summary.costUsd, undefined);
	});
});

describe('word diff', () => {
	test('marks removed and added words', () => {
		assert.deepEqual(wordDiff('the label is hardware', 'the label is billing'), [
			{ kind: 'equal', text: 'the label is ' },
			{ kind: 'removed', text: 'hardware' },
			{ kind: 'added', text: 'billing' },
		]);
	});

	test('agrees with diffWords', () => {
		const before = 'Restart the printer, then check the cable.';
		const after = 'Check the cable first, then restart the printer.';
		const expected = diffWords(before, after).map((change) => change.value);
		assert.deepEqual(
			wordDiff(before, after).map((part) => part.text),
			expected,
		);
	});

	test('equal texts are one equal part', () => {
		assert.deepEqual(wordDiff('same text', 'same text'), [{ kind: 'equal', text: 'same text' }]);
	});
});

describe('break-even', () => {
	test('fine-tuned gpt-4o-mini against few-shot gpt-4o-mini', () => {
		// Catalog: gpt-4o-mini $0.15/$0.60, fine-tuned $0.30/$1.20, training $3 per million tokens.
		const result = computeBreakEven({
			fineTuned: { model: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', promptTokensPerCall: 100, completionTokensPerCall: 10 },
			prompted: { model: 'gpt-4o-mini', promptTokensPerCall: 2_000, completionTokensPerCall: 10 },
			trainingTokens: 1_000_000,
			epochs: 3,
		});
		const fineTunedPerCall = (100 * 0.3 + 10 * 1.2) / 1e6;
		const promptedPerCall = (2_000 * 0.15 + 10 * 0.6) / 1e6;
		assert.equal(result.trainingCostUsd, 9);
		assert.ok(Math.abs(result.fineTuned.perCallUsd - fineTunedPerCall) < 1e-15);
		assert.ok(Math.abs(result.prompted.perCallUsd - promptedPerCall) < 1e-15);
		const calls = result.calls ?? 0;
		assert.equal(calls, Math.floor(9 / (promptedPerCall - fineTunedPerCall)) + 1);
		assert.ok(9 + calls * fineTunedPerCall < calls * promptedPerCall);
		assert.ok(9 + (calls - 1) * fineTunedPerCall >= (calls - 1) * promptedPerCall);
	});

	test('never cheaper when each call costs more', () => {
		const result = computeBreakEven({
			fineTuned: { model: 'ft:gpt-4o-mini:acme::x', promptTokensPerCall: 100, completionTokensPerCall: 10 },
			prompted: { model: 'gpt-4o-mini', promptTokensPerCall: 100, completionTokensPerCall: 10 },
			trainingTokens: 1_000,
			epochs: 1,
		});
		assert.equal(result.calls, undefined);
	});

	test('given prices replace the catalog', () => {
		const result = computeBreakEven({
			fineTuned: { model: 'ft:local', promptTokensPerCall: 10, completionTokensPerCall: 0, price: { inputPerMillion: 1, outputPerMillion: 1 } },
			prompted: { model: 'local', promptTokensPerCall: 110, completionTokensPerCall: 0, price: { inputPerMillion: 1, outputPerMillion: 1 } },
			trainingTokens: 1_000,
			epochs: 1,
			trainingPerMillion: 1,
		});
		assert.equal(result.trainingCostUsd, 0.001);
		assert.equal(result.calls, 11);
	});

	test('unknown model price is an error', () => {
		assert.throws(
			() =>
				computeBreakEven({
					fineTuned: { model: 'ft:unknown:x', promptTokensPerCall: 1, completionTokensPerCall: 1 },
					prompted: { model: 'gpt-4o-mini', promptTokensPerCall: 1, completionTokensPerCall: 1 },
					trainingTokens: 1,
					epochs: 1,
				}),
			/no price for "ft:unknown:x"/,
		);
	});
});
