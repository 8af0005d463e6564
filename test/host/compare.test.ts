import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunHeader, RunRecord, Variant } from '../../src/core/compare/types';
import type { CompareModelsArgs } from '../../src/vscode/compare';
import type { RunOutcome } from '../../src/vscode/compare/compareRunner';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';
import { activateLab, EXTENSION_ID, useProvider, waitFor } from './helpers';

const FINE_TUNED = 'ft:gpt-4o-mini-2024-07-18:acme::abc123';

/** Sentiment rows; the fine-tuned model answers each correctly and the base model answers in a sentence. */
const ROWS = [
	{ input: 'I love this phone.', expected: 'positive' },
	{ input: 'The battery died in a day.', expected: 'negative' },
	{ input: 'It is a phone.', expected: 'neutral' },
];

const variants: Variant[] = [
	{ id: 'ft', label: 'Fine-tuned', model: `cmp:${FINE_TUNED}` },
	{
		id: 'few',
		label: 'Few-shot',
		model: 'cmp:gpt-4o-mini',
		system: 'Classify the sentiment of the review as positive, negative or neutral.',
		template: 'Review: {{input}}',
		examples: [
			{
				messages: [
					{ role: 'user', content: 'Review: Great screen.' },
					{ role: 'assistant', content: 'positive' },
				],
			},
		],
		parameters: { temperature: 0, maxTokens: 16 },
	},
];

function readRunFile(text: string): { header: RunHeader; records: RunRecord[] } {
	const [header, ...records] = text
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as RunHeader | RunRecord);
	return { header: header as RunHeader, records: records as RunRecord[] };
}

suite('compare panel with a local server', () => {
	let server: FakeOpenAI;
	let workspace: string;
	/** Wait before each reply, in milliseconds. */
	let replyDelayMs = 0;

	suiteSetup(async function () {
		const folder = vscode.workspace.workspaceFolders?.[0];
		if (!folder) {
			this.skip();
		}
		workspace = folder.uri.fsPath;
		server = await startFakeOpenAI({
			models: ['gpt-4o-mini', FINE_TUNED],
			respond: (body) => {
				const question = String(body.messages?.at(-1)?.content ?? '');
				const row = ROWS.find((entry) => question.includes(entry.input));
				const label = row?.expected ?? 'unknown';
				return { text: body.model === FINE_TUNED ? label : `The sentiment is ${label}.`, delayMs: replyDelayMs };
			},
		});
		await activateLab();
		await useProvider({ id: 'cmp', name: 'Compare fake', kind: 'openai', baseUrl: server.baseUrl }, 'gpt-4o-mini');
		await fs.mkdir(path.join(workspace, 'data'), { recursive: true });
		await fs.writeFile(path.join(workspace, 'data', 'sentiment.jsonl'), `${ROWS.map((row) => JSON.stringify(row)).join('\n')}\n`);
	});

	suiteTeardown(async () => {
		await server?.stop();
	});

	test('dataset run saves a run file', async () => {
		const before = server.requests.length;
		const datasetUri = vscode.Uri.file(path.join(workspace, 'data', 'sentiment.jsonl')).toString();
		await vscode.commands.executeCommand('llmLab.compareModels', { variants, datasetUri } satisfies CompareModelsArgs);
		const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('llmLab.runComparison', 'dataset');

		assert.ok(outcome, 'the run did not start');
		assert.equal(outcome.status, 'completed', outcome.error);
		assert.equal(path.dirname(outcome.runFile), path.join(workspace, '.llmlab', 'runs'));
		const { header, records } = readRunFile(await fs.readFile(outcome.runFile, 'utf8'));
		assert.equal(header.type, 'header');
		assert.equal(header.format, 1);
		assert.equal(header.runId, outcome.runId);
		assert.equal(header.llmLabVersion, vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.version);
		assert.deepEqual(
			header.variants.map((variant) => [variant.id, variant.model]),
			[
				['ft', `cmp:${FINE_TUNED}`],
				['few', 'cmp:gpt-4o-mini'],
			],
		);
		assert.equal(header.variants[1].system, variants[1].system);
		assert.deepEqual(header.variants[1].examples, variants[1].examples);
		assert.equal(header.dataset?.rows, 3);
		assert.equal(header.dataset?.path, path.join(workspace, 'data', 'sentiment.jsonl'));
		assert.match(header.dataset?.sha256 ?? '', /^[0-9a-f]{64}$/);

		assert.equal(records.length, 6);
		assert.deepEqual(
			records.map((record) => `${record.row}:${record.variant}`),
			['0:ft', '0:few', '1:ft', '1:few', '2:ft', '2:few'],
		);
		for (const record of records) {
			const row = ROWS[record.row];
			assert.equal(record.type, 'result');
			assert.equal(record.error, undefined, `row ${record.row} ${record.variant}: ${record.error?.message}`);
			assert.equal(record.expected, row.expected);
			assert.equal(record.output, record.variant === 'ft' ? row.expected : `The sentiment is ${row.expected}.`);
			assert.equal(record.tokensEstimated, false);
			assert.ok(record.promptTokens > 0, `row ${record.row} ${record.variant} has no prompt tokens`);
			assert.equal(record.finishReason, 'stop');
		}

		const chats = server.requests.slice(before).filter((request) => request.path === '/v1/chat/completions');
		assert.equal(chats.length, 6);
		const fewShot = chats
			.map((request) => request.body as { model: string; messages: Array<{ role: string; content: string }>; temperature?: number })
			.find((body) => body.model === 'gpt-4o-mini' && body.messages.at(-1)?.content === `Review: ${ROWS[0].input}`);
		assert.ok(fewShot, 'no few-shot request for the first row');
		assert.deepEqual(
			fewShot.messages.map((message) => message.role),
			['system', 'user', 'assistant', 'user'],
		);
		assert.equal(fewShot.temperature, 0);
	});

	test('run exports to CSV and HTML', async () => {
		const runs = path.join(workspace, '.llmlab', 'runs');
		const names = (await fs.readdir(runs)).filter((name) => name.endsWith('.jsonl')).sort();
		assert.ok(names.length > 0, 'no run file to export');
		const runFile = vscode.Uri.file(path.join(runs, names[names.length - 1]));

		const csvTarget = vscode.Uri.file(path.join(workspace, 'export', 'run.csv'));
		await fs.mkdir(path.dirname(csvTarget.fsPath), { recursive: true });
		const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('llmLab.runs.exportCsv', runFile, csvTarget);
		assert.equal(written?.fsPath, csvTarget.fsPath);
		const csv = (await fs.readFile(csvTarget.fsPath, 'utf8')).trimEnd().split('\r\n');
		assert.equal(csv.length, 7);
		assert.match(csv[0], /^row,variant,model,input,expected,output,/);
		assert.match(csv[1], /^1,ft,cmp:ft:gpt-4o-mini-2024-07-18:acme::abc123,input: I love this phone\.,positive,positive,/);

		const htmlTarget = vscode.Uri.file(path.join(workspace, 'export', 'run.html'));
		await vscode.commands.executeCommand('llmLab.runs.exportHtml', runFile, htmlTarget);
		const html = await fs.readFile(htmlTarget.fsPath, 'utf8');
		assert.match(html, /<title>LLM Lab comparison: sentiment\.jsonl<\/title>/);
		assert.equal(html.includes('<script'), false);
		assert.equal((html.match(/<tr><td class="number">\d+<\/td>/g) ?? []).length, 3);
	});

	test('single input run records both variants', async () => {
		await vscode.commands.executeCommand('llmLab.compareModels', {
			variants,
			input: { input: ROWS[1].input, expected: ROWS[1].expected },
		} satisfies CompareModelsArgs);
		const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('llmLab.runComparison', 'input');

		assert.equal(outcome?.status, 'completed', outcome?.error);
		const { header, records } = readRunFile(await fs.readFile(outcome?.runFile ?? '', 'utf8'));
		assert.equal(header.dataset?.rows, 1);
		assert.equal(header.dataset?.path, undefined);
		assert.deepEqual(
			records.map((record) => [record.variant, record.output, record.expected]),
			[
				['ft', 'negative', 'negative'],
				['few', 'The sentiment is negative.', 'negative'],
			],
		);
	});

	test('run goes on after the panel closes', async () => {
		const datasetUri = vscode.Uri.file(path.join(workspace, 'data', 'sentiment.jsonl')).toString();
		await vscode.commands.executeCommand('llmLab.compareModels', { variants, datasetUri } satisfies CompareModelsArgs);
		const before = server.requests.length;
		replyDelayMs = 300;
		try {
			const running = vscode.commands.executeCommand<RunOutcome | undefined>('llmLab.runComparison', 'dataset');
			await waitFor('the first request', () => server.requests.length, (count) => count > before);
			await vscode.commands.executeCommand('workbench.action.closeAllEditors');
			const outcome = await running;

			assert.equal(outcome?.status, 'completed', outcome?.error);
			const { records } = readRunFile(await fs.readFile(outcome?.runFile ?? '', 'utf8'));
			assert.equal(records.length, 6);
			assert.equal(records.filter((record) => record.error !== undefined).length, 0);
		} finally {
			replyDelayMs = 0;
		}
	});

	test('resolved few-shot examples are sent once', async () => {
		const picked = [
			{
				messages: [
					{ role: 'user' as const, content: 'Review: Awful.' },
					{ role: 'assistant' as const, content: 'negative' },
				],
			},
		];
		const resolved = {
			...variants[1],
			examples: [...(variants[1].examples ?? []), ...picked],
			examplesFrom: { file: 'prompts/train.jsonl', count: 1, pick: 'first' as const },
		};
		await vscode.commands.executeCommand('llmLab.compareModels', {
			variants: [variants[0], resolved],
			input: { input: ROWS[0].input },
		} satisfies CompareModelsArgs);
		const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('llmLab.runComparison', 'input');

		assert.equal(outcome?.status, 'completed', outcome?.error);
		const { header } = readRunFile(await fs.readFile(outcome?.runFile ?? '', 'utf8'));
		assert.deepEqual(header.variants[1].examples, resolved.examples);
		assert.equal(header.variants[1].examplesFrom, undefined);
	});
});
