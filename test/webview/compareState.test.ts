import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunHeader, RunRecord, Variant } from '../../src/core/compare/types';
import type { HostToWebview } from '../../src/webview/compare/protocol';
import { breakEvenView } from '../../src/vscode/compare/breakEvenView';
import { findResumableRun } from '../../src/vscode/compare/resume';
import { RunState, rowViews } from '../../src/vscode/compare/runState';

const variants: Variant[] = [
	{ id: 'a', label: 'A', model: 'openai:gpt-4o-mini' },
	{ id: 'b', label: 'B', model: 'openai:gpt-4o' },
];

function createRecord(row: number, variant: string, overrides: Partial<RunRecord> = {}): RunRecord {
	return {
		type: 'result',
		row,
		variant,
		output: `${variant}${row}`,
		promptTokens: 10,
		completionTokens: 2,
		tokensEstimated: false,
		latencyMs: 100,
		finishReason: 'stop',
		attempts: 1,
		scores: [],
		finishedAt: '2026-01-05T09:30:00.000Z',
		...overrides,
	};
}

function createState(posted: HostToWebview[]): RunState {
	return new RunState(
		{
			runId: 'run-1',
			label: 'data.jsonl',
			createdAt: '2026-01-05T09:30:00.000Z',
			variants,
			scorers: [],
			rows: rowViews([
				{ index: 0, line: 1, variables: { input: 'one' } },
				{ index: 1, line: 2, variables: { input: 'two' }, expected: 'b1' },
			]),
			status: 'running',
		},
		(message) => posted.push(message),
	);
}

describe('run state', () => {
	it('batches deltas per call', async () => {
		const posted: HostToWebview[] = [];
		const state = createState(posted);
		state.handle({ type: 'callStarted', row: 0, variant: 'a', attempt: 1 });
		state.handle({ type: 'delta', row: 0, variant: 'a', text: 'Hel' });
		state.handle({ type: 'delta', row: 0, variant: 'a', text: 'lo' });
		state.handle({ type: 'delta', row: 1, variant: 'b', text: 'Hi' });
		assert.equal(posted.length, 0);
		await new Promise((resolve) => setTimeout(resolve, 80));
		assert.deepEqual(posted, [
			{
				type: 'run/deltas',
				runId: 'run-1',
				// The text after a restart joins the restart, which the page applies by replacing the cell's text.
				deltas: [
					{ row: 0, variant: 'a', text: 'Hello', reset: true },
					{ row: 1, variant: 'b', text: 'Hi' },
				],
			},
		]);
		state.dispose();
	});

	it('retry restarts the streamed text', () => {
		const state = createState([]);
		state.handle({ type: 'delta', row: 0, variant: 'a', text: 'cut off' });
		state.handle({ type: 'callStarted', row: 0, variant: 'a', attempt: 2 });
		state.handle({ type: 'delta', row: 0, variant: 'a', text: 'whole' });
		assert.deepEqual(state.view().partial, [{ row: 0, variant: 'a', text: 'whole', reset: true }]);
		state.dispose();
	});

	it('view sorts records by row', () => {
		const state = createState([]);
		for (const record of [createRecord(1, 'b'), createRecord(0, 'b'), createRecord(1, 'a'), createRecord(0, 'a')]) {
			state.handle({ type: 'recorded', record });
		}
		const view = state.view();
		assert.deepEqual(
			view.records.map((record) => `${record.row}${record.variant}`),
			['0a', '0b', '1a', '1b'],
		);
		assert.deepEqual(view.partial, []);
		assert.equal(view.summaries[0].calls, 2);
		assert.deepEqual(view.rows, [
			{ index: 0, line: 1, input: 'input: one' },
			{ index: 1, line: 2, input: 'input: two', expected: 'b1' },
		]);
		state.dispose();
	});

	it('view drops what it already contains', async () => {
		const posted: HostToWebview[] = [];
		const state = createState(posted);
		state.handle({ type: 'delta', row: 0, variant: 'a', text: 'Hi' });
		state.handle({ type: 'recorded', record: createRecord(1, 'a') });
		const view = state.view();
		await new Promise((resolve) => setTimeout(resolve, 80));
		assert.equal(view.partial[0].text, 'Hi');
		assert.equal(view.records.length, 1);
		assert.deepEqual(posted, []);
		state.dispose();
	});

	it('finish sends queued records first', () => {
		const posted: HostToWebview[] = [];
		const state = createState(posted);
		state.handle({ type: 'recorded', record: createRecord(0, 'a') });
		state.handle({ type: 'progress', done: 1, total: 4, failed: 0, costUsd: 0 });
		state.finish('cancelled');
		assert.deepEqual(
			posted.map((message) => message.type),
			['run/records', 'run/finished'],
		);
		const finished = posted[1] as Extract<HostToWebview, { type: 'run/finished' }>;
		assert.equal(finished.status, 'cancelled');
		assert.equal(finished.summaries[0].calls, 1);
		assert.equal(state.view().progress.done, 1);
		state.dispose();
	});

	it('long inputs are cut for the grid', () => {
		const [row] = rowViews([{ index: 0, line: 1, variables: { input: 'x'.repeat(2000) } }]);
		assert.equal(row.input.length, 601);
		assert.ok(row.input.endsWith('…'));
	});
});

describe('resumable run files', () => {
	let root: string;
	const header: RunHeader = {
		type: 'header',
		format: 1,
		runId: '2026-01-05T09-30-00Z-aaaaaa',
		llmLabVersion: '0.1.0',
		createdAt: '2026-01-05T09:30:00.000Z',
		variants,
		scorers: [{ type: 'exact' }],
		dataset: { path: '/data.jsonl', rows: 2, sha256: 'f00d' },
	};

	before(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'llm-lab-resume-'));
		const runs = path.join(root, '.llmlab', 'runs');
		await mkdir(runs, { recursive: true });
		const lines = (records: RunRecord[], runId: string) =>
			[{ ...header, runId }, ...records].map((record) => JSON.stringify(record)).join('\n') + '\n';
		await writeFile(
			path.join(runs, '2026-01-05T09-30-00Z-aaaaaa.jsonl'),
			lines([createRecord(0, 'a'), createRecord(0, 'b', { error: { kind: 'ServerError', message: 'HTTP 500' } })], '2026-01-05T09-30-00Z-aaaaaa'),
		);
		await writeFile(
			path.join(runs, '2026-01-05T08-00-00Z-bbbbbb.jsonl'),
			lines(
				[createRecord(0, 'a'), createRecord(0, 'b'), createRecord(1, 'a'), createRecord(1, 'b')],
				'2026-01-05T08-00-00Z-bbbbbb',
			),
		);
		await writeFile(path.join(runs, 'broken.jsonl'), 'not json\n');
	});

	after(async () => {
		await rm(root, { recursive: true, force: true });
	});

	it('offers the unfinished run', async () => {
		const offer = await findResumableRun(root, variants, [{ type: 'exact' }], 'f00d', 2);
		assert.equal(offer?.runId, '2026-01-05T09-30-00Z-aaaaaa');
		assert.equal(offer?.done, 1);
		assert.equal(offer?.total, 4);
	});

	it('other variants get no offer', async () => {
		const changed = [variants[0], { ...variants[1], system: 'Be brief.' }];
		assert.equal(await findResumableRun(root, changed, [{ type: 'exact' }], 'f00d', 2), undefined);
	});

	it('other dataset gets no offer', async () => {
		assert.equal(await findResumableRun(root, variants, [{ type: 'exact' }], 'beef', 2), undefined);
	});

	it('run in progress is not offered', async () => {
		const running = path.join(root, '.llmlab', 'runs', '2026-01-05T09-30-00Z-aaaaaa.jsonl');
		assert.equal(await findResumableRun(root, variants, [{ type: 'exact' }], 'f00d', 2, running), undefined);
	});
});

describe('break-even view', () => {
	const tuned: Variant[] = [
		{ id: 'few', label: 'Few-shot', model: 'openai:gpt-4o-mini' },
		{ id: 'ft', label: 'Tuned', model: 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123' },
	];

	it('needs a fine-tuned variant', () => {
		const view = breakEvenView(variants, [], { settings: { trainingTokens: 0, epochs: 1 } }, () => undefined);
		assert.deepEqual(view.fineTunedCandidates, []);
		assert.match(view.problem ?? '', /fine-tuned \(ft:\) model/);
		assert.equal(view.result, undefined);
	});

	it('needs measured calls', () => {
		const view = breakEvenView(tuned, [], { settings: { trainingTokens: 0, epochs: 1 } }, () => undefined);
		assert.equal(view.fineTuned, 'ft');
		assert.equal(view.prompted, 'few');
		assert.match(view.problem ?? '', /Run the comparison first/);
		assert.equal(view.catalogTrainingPerMillion, 3);
	});
});
