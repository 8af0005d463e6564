import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { summarizeRun } from '../../src/core/compare/aggregate';
import { computeBreakEven } from '../../src/core/compare/breakEven';
import { wordDiff } from '../../src/core/compare/diff';
import type {
	ComparisonDraft,
	HostToWebview,
	ModelChoice,
	RowView,
	RunRecord,
	RunView,
	Variant,
} from '../../src/webview/compare/protocol';
import { buildCompareCsp, renderCompareHtml } from '../../src/vscode/compare/compareHtml';
import { breakEvenView } from '../../src/vscode/compare/breakEvenView';
import { type ComparePage, ComparePageServer } from './comparePage';

const models: ModelChoice[] = [
	{ id: 'openai:gpt-4o-mini', name: 'gpt-4o-mini', providerName: 'OpenAI', fineTuned: false, price: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
	{ id: 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123', name: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', providerName: 'OpenAI', fineTuned: true },
	{ id: 'ollama:qwen3:4b', name: 'qwen3:4b', providerName: 'Ollama', fineTuned: false },
];

const variants: Variant[] = [
	{ id: 'ft', label: 'Fine-tuned', model: 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123' },
	{ id: 'few', label: 'Few-shot', model: 'openai:gpt-4o-mini', system: 'Answer with one word.' },
];

function createDraft(overrides: Partial<ComparisonDraft> = {}): ComparisonDraft {
	return { variants: structuredClone(variants), scorers: [], ...overrides };
}

function createRecord(row: number, variant: string, output: string, overrides: Partial<RunRecord> = {}): RunRecord {
	return {
		type: 'result',
		row,
		variant,
		output,
		promptTokens: 120,
		completionTokens: 8,
		tokensEstimated: false,
		costUsd: 0.000023,
		firstTokenMs: 140,
		latencyMs: 620,
		finishReason: 'stop',
		attempts: 1,
		scores: [],
		finishedAt: '2026-01-05T09:30:00.000Z',
		...overrides,
	};
}

function createRows(count: number, expected?: (index: number) => string): RowView[] {
	return Array.from({ length: count }, (_, index) => ({
		index,
		line: index + 1,
		input: `input: question ${index + 1}`,
		...(expected ? { expected: expected(index) } : {}),
	}));
}

function createRun(overrides: Partial<RunView> = {}): RunView {
	const rows = overrides.rows ?? createRows(1);
	const records = overrides.records ?? [];
	return {
		runId: 'run-1',
		label: 'data.jsonl',
		runFile: '.llmlab/runs/run-1.jsonl',
		createdAt: '2026-01-05T09:30:00.000Z',
		variants,
		scorers: [],
		rows,
		records,
		partial: [],
		status: 'completed',
		progress: { done: records.length, total: rows.length * variants.length, failed: 0, costUsd: 0 },
		summaries: summarizeRun(variants, records),
		warnings: [],
		...overrides,
	};
}

function initMessage(overrides: Partial<Extract<HostToWebview, { type: 'panel/init' }>> = {}): HostToWebview {
	return { type: 'panel/init', models, modelErrors: [], draft: createDraft(), input: { input: '' }, ...overrides };
}

describe('renderCompareHtml', () => {
	it('CSP starts from default-src none', () => {
		assert.equal(
			buildCompareCsp('https://webview.test', 'abc'),
			"default-src 'none'; style-src https://webview.test; script-src 'nonce-abc'; font-src https://webview.test",
		);
	});

	it('escapes interpolated attributes', () => {
		const html = renderCompareHtml({
			cspSource: 'https://a.test"><script>',
			nonce: 'n"once',
			scriptUri: 'https://a.test/compare.js"onload="x',
			styleUri: "https://a.test/compare.css'x",
			strings: { runInput: '<b>Run</b>' },
			language: 'en"',
		});
		assert.doesNotMatch(html, /<script>/);
		assert.doesNotMatch(html, /"onload=/);
		assert.doesNotMatch(html, /n"once/);
		assert.match(html, /&lt;b&gt;Run&lt;\/b&gt;/);
		assert.equal(html.match(/<script/g)?.length, 1);
	});
});

describe('compare panel page in Chromium', () => {
	let server: ComparePageServer;

	before(async () => {
		server = await ComparePageServer.start();
	});

	after(async () => {
		await server?.close();
	});

	/** Opens a page, runs `body` and then checks that nothing was blocked, thrown or fetched elsewhere. */
	async function withPage(body: (compare: ComparePage) => Promise<void>, viewport?: { width: number; height: number }) {
		const compare = await server.open(viewport);
		try {
			await body(compare);
			const record = await compare.readRecord();
			assert.deepEqual(record.violations, [], 'the page needed the CSP to block something');
			assert.deepEqual(record.errors, [], 'the page threw');
			assert.deepEqual(compare.foreignRequests, [], 'the page requested a URL outside the test server');
		} finally {
			await compare.close();
		}
	}

	it('variants form shows and edits the draft', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			await compare.send(initMessage());
			const cards = page.locator('fieldset.variant');
			await cards.nth(1).waitFor();
			assert.equal(await cards.count(), 2);
			assert.equal(await cards.nth(0).locator('select.model-select').inputValue(), variants[0].model);
			assert.equal(await cards.nth(1).getByLabel('System prompt').inputValue(), 'Answer with one word.');

			await cards.nth(1).getByLabel('User message template').fill('Context: {{context}}\nQuestion: {{input}}');
			await cards.nth(1).locator('details.parameters > summary').click();
			await cards.nth(1).getByLabel('Temperature').fill('0.2');
			await cards.nth(1).getByLabel('Stop sequences').fill('\n\nEND');
			await cards.nth(0).locator('select.model-select').selectOption('ollama:qwen3:4b');
			await compare.waitForPosted('draft/changed');
			await page.waitForFunction(() => {
				const posted = window.chatTestRecord.posted as Array<{ type: string; draft?: ComparisonDraft }>;
				return posted.filter((message) => message.type === 'draft/changed').at(-1)?.draft?.variants[1].parameters?.stop !== undefined;
			});
			const draft = (await compare.readPosted('draft/changed')).at(-1)?.draft;
			assert.equal(draft?.variants[0].model, 'ollama:qwen3:4b');
			assert.equal(draft?.variants[1].template, 'Context: {{context}}\nQuestion: {{input}}');
			assert.equal(draft?.variants[1].parameters?.temperature, 0.2);
			assert.deepEqual(draft?.variants[1].parameters?.stop, ['END']);

			const boxes = page.locator('#input-fields textarea');
			assert.deepEqual(await boxes.evaluateAll((areas) => areas.map((area) => (area as HTMLElement).dataset.variable)), [
				'input',
				'context',
				'expected',
			]);

			await page.locator('#add-variant').click();
			await page.locator('#scorer-type').selectOption('regex');
			await page.locator('#add-scorer').click();
			await page.locator('.scorer').getByLabel('Pattern').fill('^\\w+$');
			await page.waitForFunction(() => {
				const posted = window.chatTestRecord.posted as Array<{ type: string; draft?: ComparisonDraft }>;
				const last = posted.filter((message) => message.type === 'draft/changed').at(-1)?.draft;
				return last?.scorers[0]?.type === 'regex' && 'pattern' in last.scorers[0] && last.scorers[0].pattern === '^\\w+$';
			});
			const latest = (await compare.readPosted('draft/changed')).at(-1)?.draft;
			assert.equal(latest?.variants.length, 3);
			assert.equal(latest?.variants[2].id, 'a');
			assert.deepEqual(latest?.scorers, [{ type: 'regex', id: 'regex', pattern: '^\\w+$' }]);
		});
	});

	it('run button sends the draft first', async () => {
		await withPage(async (compare) => {
			await compare.send(initMessage());
			await compare.page.locator('fieldset.variant').nth(1).getByLabel('Label').fill('Prompted');
			await compare.page.locator('#run-input').click();
			await compare.waitForPosted('run/start');
			const { posted } = await compare.readRecord();
			const types = (posted as unknown as Array<{ type: string }>).map((message) => message.type);
			const start = types.lastIndexOf('run/start');
			assert.equal(types[start - 1], 'draft/changed');
			assert.deepEqual((await compare.readPosted('run/start'))[0], { type: 'run/start', mode: 'input' });
		});
	});

	it('cells stream in parallel', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			await compare.send(initMessage(), {
				type: 'run/show',
				run: createRun({ status: 'running', records: [], progress: { done: 0, total: 2, failed: 0, costUsd: 0 } }),
			});
			const ftCell = page.locator('.grid-row[data-row="0"] .result[data-variant="ft"]');
			const fewCell = page.locator('.grid-row[data-row="0"] .result[data-variant="few"]');
			await ftCell.waitFor();
			assert.equal(await ftCell.getAttribute('data-state'), 'pending');

			await compare.send({
				type: 'run/deltas',
				runId: 'run-1',
				deltas: [
					{ row: 0, variant: 'ft', text: '', reset: true },
					{ row: 0, variant: 'few', text: '', reset: true },
					{ row: 0, variant: 'ft', text: 'Paris is' },
					{ row: 0, variant: 'few', text: 'The **capital**' },
				],
			});
			await page.waitForFunction(() => document.querySelector('.result[data-variant="few"] strong')?.textContent === 'capital');
			assert.equal(await ftCell.getAttribute('data-state'), 'streaming');
			assert.equal(await fewCell.getAttribute('aria-busy'), 'true');
			assert.equal(await ftCell.locator('.cell-output').textContent(), 'Paris is\n');

			await compare.send({ type: 'run/deltas', runId: 'run-1', deltas: [{ row: 0, variant: 'ft', text: ' the capital.' }] });
			await page.waitForFunction(() => document.querySelector('.result[data-variant="ft"]')?.textContent?.includes('the capital.'));
			assert.match((await fewCell.textContent()) ?? '', /The capital/);

			const done = createRecord(0, 'ft', 'Paris is the capital.', {
				tokensEstimated: true,
				scores: [{ scorer: 'contains', score: 1, pass: true }],
				pass: true,
			});
			await compare.send({
				type: 'run/records',
				runId: 'run-1',
				records: [done],
				progress: { done: 1, total: 2, failed: 0, costUsd: 0.000023 },
				summaries: summarizeRun(variants, [done]),
			});
			await page.waitForFunction(() => document.querySelector('.result[data-variant="ft"]')?.getAttribute('data-state') === 'done');
			assert.equal(await ftCell.locator('.cell-stats span').first().textContent(), '120 + 8 tokens ~');
			assert.equal(await ftCell.locator('.score-pass').textContent(), 'contains 1.00');
			assert.equal(await fewCell.getAttribute('data-state'), 'streaming');
			assert.equal(await page.locator('#run-progress').textContent(), '1 of 2 calls · $0.000023');
			assert.equal(await page.locator('#stop').isVisible(), true);

			await compare.send({ type: 'run/finished', runId: 'run-1', status: 'cancelled', summaries: summarizeRun(variants, [done]) });
			await page.waitForFunction(() => document.querySelector('.result[data-variant="few"]')?.getAttribute('data-state') === 'pending');
			assert.equal(await page.locator('#run-status').textContent(), 'Stopped before the end');
			assert.equal(await page.locator('#stop').isVisible(), false);
		});
	});

	it('hostile model output stays inert', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			const payloads = [
				`<script>window.chatTestRecord.injected = 'script'</script>`,
				`<img src=x onerror="window.chatTestRecord.injected = 'img'">`,
				`[click me](javascript:window.chatTestRecord.injected='link')`,
				`<a href="javascript:window.chatTestRecord.injected='anchor'">anchor</a>`,
				`<iframe srcdoc="<script>parent.chatTestRecord.injected='srcdoc'</script>"></iframe>`,
				`<svg onload="window.chatTestRecord.injected='svg'"></svg>`,
				`<details open ontoggle="window.chatTestRecord.injected='details'">x</details>`,
				`<style>body { display: none }</style>`,
				`![pixel](https://evil.invalid/track.png?secret=1)`,
				`[file](file:///etc/passwd) [safe](https://example.invalid/docs)`,
			];
			const output = payloads.join('\n\n');
			const records = [
				createRecord(0, 'ft', output, { error: { kind: 'ServerError', message: '<img src=x onerror="window.chatTestRecord.injected=\'error\'">' } }),
				createRecord(0, 'few', output, { scores: [{ scorer: '<b>x</b>', score: 0, pass: false, detail: '<img src=x>' }] }),
			];
			await compare.send(initMessage(), {
				type: 'run/show',
				run: createRun({ records, rows: createRows(1, () => `<img src=x onerror="window.chatTestRecord.injected='expected'">`) }),
			});
			await page.locator('.result[data-variant="few"] .cell-scores').waitFor();
			for (const mode of ['diff-expected', 'diff-variant', 'output']) {
				await page.locator('#view-mode').selectOption(mode);
				await page.waitForTimeout(100);
				const grid = page.locator('#grid');
				assert.equal(await grid.locator('script, img, iframe, svg, style, details').count(), 0, `mode ${mode}`);
				assert.equal(await grid.locator('[onerror], [onload], [ontoggle]').count(), 0, `mode ${mode}`);
				assert.equal(await grid.locator('a[href^="javascript:"], a[href^="file:"]').count(), 0, `mode ${mode}`);
			}
			const links = await page.locator('.result[data-variant="few"] a').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
			assert.deepEqual(links, ['https://evil.invalid/track.png?secret=1', 'https://example.invalid/docs']);
			assert.match((await page.locator('.result[data-variant="ft"] .cell-error').textContent()) ?? '', /^ServerError: <img src=x/);
			assert.equal(await page.locator('.score-fail').textContent(), '<b>x</b> 0.00');
			assert.equal((await compare.readRecord()).injected, undefined);
		});
	});

	it('diff marks words against expected', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			const expected = 'The quick brown fox jumps over the lazy dog.';
			const outputs = { ft: 'The quick red fox jumps over the dog.', few: 'A quick brown fox leaps over the lazy dog!' };
			await compare.send(initMessage(), {
				type: 'run/show',
				run: createRun({
					rows: createRows(1, () => expected),
					records: [createRecord(0, 'ft', outputs.ft), createRecord(0, 'few', outputs.few)],
				}),
			});
			await page.locator('#view-mode').selectOption('diff-expected');
			const ftOutput = page.locator('.result[data-variant="ft"] .cell-output.diff');
			await ftOutput.waitFor();
			for (const [variant, output] of Object.entries(outputs)) {
				const cell = page.locator(`.result[data-variant="${variant}"] .cell-output.diff`);
				const parts = wordDiff(expected, output);
				const removed = parts.filter((part) => part.kind === 'removed').map((part) => part.text);
				const added = parts.filter((part) => part.kind === 'added').map((part) => part.text);
				assert.deepEqual(await cell.locator('del').allTextContents(), removed, `removed words of ${variant}`);
				assert.deepEqual(await cell.locator('ins').allTextContents(), added, `added words of ${variant}`);
				assert.equal(await cell.textContent(), parts.map((part) => part.text).join(''));
			}
			assert.deepEqual(await ftOutput.locator('del').allTextContents(), ['brown', 'lazy ']);
			assert.deepEqual(await ftOutput.locator('ins').allTextContents(), ['red']);

			await page.locator('#view-mode').selectOption('diff-variant');
			await page.locator('#diff-base').selectOption('ft');
			const fewDiff = page.locator('.result[data-variant="few"] .cell-output.diff');
			await fewDiff.waitFor();
			const againstFt = wordDiff(outputs.ft, outputs.few);
			assert.deepEqual(
				await fewDiff.locator('ins').allTextContents(),
				againstFt.filter((part) => part.kind === 'added').map((part) => part.text),
			);
			assert.equal(await page.locator('.result[data-variant="ft"] .cell-output.plain').textContent(), outputs.ft);
			assert.deepEqual((await compare.page.evaluate(() => sessionStorage.getItem('chat-test-state'))), JSON.stringify({ viewMode: 'diff-variant', diffBase: 'ft' }));
		});
	});

	it('1,000 rows render virtualized', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			const rowCount = 1000;
			const rows = createRows(rowCount, (index) => `answer ${index + 1}`);
			// Records arrive in reverse order, as parallel calls may finish; the grid must still place them by row.
			const records = rows
				.flatMap((row) => [
					createRecord(row.index, 'ft', `answer ${row.index + 1}`, { latencyMs: 400 + (row.index % 50) }),
					createRecord(row.index, 'few', `**answer** ${row.index + 1} with a longer explanation of the reasoning`, {
						scores: [{ scorer: 'exact', score: 0, pass: false }],
						pass: false,
					}),
				])
				.reverse();
			const run = createRun({ rows, records, progress: { done: 2000, total: 2000, failed: 0, costUsd: 0.046 } });
			await compare.send(initMessage());
			await page.locator('fieldset.variant').first().waitFor();

			// Shows the run five times, each time from a message dispatched synchronously, up to a forced layout.
			const renderTimes = await page.evaluate((data) => {
				const times: number[] = [];
				for (let attempt = 0; attempt < 5; attempt++) {
					const started = performance.now();
					window.dispatchEvent(new MessageEvent('message', { data: { type: 'run/show', run: data } }));
					void document.body.offsetHeight;
					times.push(performance.now() - started);
				}
				return times;
			}, run);
			const median = [...renderTimes].sort((a, b) => a - b)[2];
			console.log(
				`compare grid: rendered ${rowCount} rows x 2 variants in ${renderTimes[0].toFixed(1)} ms the first time, ` +
					`median of 5 ${median.toFixed(1)} ms`,
			);

			const viewport = page.locator('.grid-viewport');
			const mounted = async () => Number(await page.locator('#grid').getAttribute('data-mounted-rows'));
			assert.ok((await mounted()) < 30, `${await mounted()} rows in the DOM for ${rowCount}`);
			assert.equal(await page.locator('.grid-row').count(), await mounted());
			assert.equal(await page.locator('.grid-row[data-row="0"] .result[data-variant="ft"] .cell-output').textContent(), 'answer 1\n');
			assert.equal(await viewport.evaluate((element) => element.scrollHeight), rowCount * 176);

			// Scrolls the whole grid in steps of about 8 rows, one step per frame, and records tasks over 50 ms.
			const scrolling = await page.evaluate(async () => {
				const element = document.querySelector('.grid-viewport') as HTMLElement;
				const longTasks: number[] = [];
				const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
				observer.observe({ type: 'longtask' });
				const started = performance.now();
				let steps = 0;
				for (let top = 0; top <= element.scrollHeight; top += 1500) {
					element.scrollTop = top;
					await new Promise((resolve) => requestAnimationFrame(resolve));
					steps++;
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
				observer.disconnect();
				return { steps, elapsedMs: performance.now() - started, longTasks };
			});
			const perStep = scrolling.elapsedMs / scrolling.steps;
			console.log(
				`compare grid: scrolled ${scrolling.steps} steps of 1,500 px in ${scrolling.elapsedMs.toFixed(0)} ms ` +
					`(${perStep.toFixed(1)} ms per step), ${scrolling.longTasks.length} tasks over 50 ms` +
					(scrolling.longTasks.length > 0 ? `, longest ${Math.max(...scrolling.longTasks).toFixed(0)} ms` : ''),
			);
			assert.ok((await mounted()) < 30, `${await mounted()} rows in the DOM after scrolling`);

			await viewport.evaluate((element) => {
				element.scrollTop = 500 * 176;
			});
			const middle = page.locator('.grid-row[data-row="500"]');
			await middle.waitFor();
			assert.equal(await middle.getAttribute('aria-rowindex'), '502');
			// Rows that scroll in show plain text until scrolling stops, then their Markdown.
			await middle.locator('.result[data-variant="few"] .cell-output strong').waitFor();
			assert.equal(await middle.locator('.result[data-variant="ft"] .cell-output').textContent(), 'answer 501\n');
			assert.equal(await middle.locator('.row-input .plain').first().textContent(), 'input: question 501');
			const offset = await middle.evaluate((element) => element.getBoundingClientRect().top - element.parentElement!.getBoundingClientRect().top);
			assert.equal(offset, 500 * 176);
			assert.equal(await page.locator('#summary tbody tr[data-variant="few"] td').first().textContent(), '0.0% (0/1000)');
		});
	});

	it('break-even chart shows the figures', async () => {
		await withPage(async (compare) => {
			const { page } = compare;
			const records = [
				createRecord(0, 'ft', 'Paris', { promptTokens: 40, completionTokens: 5 }),
				createRecord(0, 'few', 'Paris', { promptTokens: 900, completionTokens: 5 }),
			];
			const summaries = summarizeRun(variants, records);
			const settings = { trainingTokens: 2_000_000, epochs: 3 };
			const view = breakEvenView(variants, summaries, { settings }, () => undefined);
			const expected = computeBreakEven({
				fineTuned: { model: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', promptTokensPerCall: 40, completionTokensPerCall: 5 },
				prompted: { model: 'gpt-4o-mini', promptTokensPerCall: 900, completionTokensPerCall: 5 },
				...settings,
			});
			assert.deepEqual(view.result, expected);
			assert.notEqual(expected.calls, undefined);
			assert.ok((expected.calls ?? 0) > 0);

			await compare.send(initMessage(), { type: 'run/show', run: createRun({ records, summaries }) }, { type: 'breakEven/show', view });
			const point = page.locator('#break-even circle.break-even-point');
			await point.waitFor();
			const calls = expected.calls ?? 0;
			assert.equal(Number(await point.getAttribute('data-calls')), calls);
			const result = (await page.locator('.break-even-result').textContent()) ?? '';
			assert.match(result, new RegExp(`"Fine-tuned" is cheaper than "Few-shot" after ${calls.toLocaleString('en-US')} calls`));
			const prompted = page.locator('polyline[data-series="prompted"]');
			const tuned = page.locator('polyline[data-series="fine-tuned"]');
			assert.equal(Number(await prompted.getAttribute('data-per-call-usd')), expected.prompted.perCallUsd);
			assert.equal(Number(await tuned.getAttribute('data-fixed-usd')), expected.trainingCostUsd);

			// The two lines cross at the marked point, in the chart's own coordinates.
			const pointsOf = async (series: string) =>
				((await page.locator(`polyline[data-series="${series}"]`).getAttribute('points')) ?? '')
					.split(' ')
					.map((pair) => pair.split(',').map(Number));
			const cx = Number(await point.getAttribute('cx'));
			const cy = Number(await point.getAttribute('cy'));
			const heightAt = ([[xa, ya], [xb, yb]]: number[][]) => ya + ((cx - xa) / (xb - xa)) * (yb - ya);
			const promptedY = heightAt(await pointsOf('prompted'));
			const tunedY = heightAt(await pointsOf('fine-tuned'));
			assert.ok(Math.abs(promptedY - cy) < 1.5, `prompted line at ${promptedY}, point at ${cy}`);
			assert.ok(Math.abs(tunedY - cy) < 1.5, `fine-tuned line at ${tunedY}, point at ${cy}`);
			const xMax = Number(await page.locator('#break-even svg').getAttribute('data-x-max'));
			assert.ok(xMax >= calls * 2, `x axis ends at ${xMax}, before twice the break-even`);
			assert.ok(xMax <= calls * 5, `x axis ends at ${xMax}, far past the break-even`);

			await page.getByLabel('Epochs').fill('4');
			await compare.waitForPosted('breakEven/compute');
			assert.deepEqual((await compare.readPosted('breakEven/compute'))[0], {
				type: 'breakEven/compute',
				fineTuned: 'ft',
				prompted: 'few',
				settings: { trainingTokens: 2_000_000, epochs: 4 },
			});
		});
	});

	it('resume offer posts run/resume', async () => {
		await withPage(async (compare) => {
			await compare.send(
				initMessage({
					resume: { runFile: '.llmlab/runs/run-0.jsonl', runId: 'run-0', createdAt: '2026-01-05T09:00:00.000Z', done: 120, total: 400 },
				}),
			);
			const offer = compare.page.locator('#resume .notice-message');
			await offer.waitFor();
			assert.match((await offer.textContent()) ?? '', /has 120 of 400 calls done/);
			await compare.page.locator('#resume').getByRole('button', { name: 'Resume' }).click();
			assert.deepEqual(await compare.readPosted('run/resume'), [{ type: 'run/resume', runFile: '.llmlab/runs/run-0.jsonl' }]);
		});
	});

	it('summary shows aggregates per variant', async () => {
		await withPage(async (compare) => {
			const records = [
				createRecord(0, 'ft', 'a', { latencyMs: 100, pass: true, scores: [{ scorer: 'exact', score: 1, pass: true }] }),
				createRecord(1, 'ft', 'b', { latencyMs: 300, pass: false, scores: [{ scorer: 'exact', score: 0, pass: false }] }),
				createRecord(0, 'few', '', { error: { kind: 'RateLimitError', message: 'HTTP 429', status: 429 }, pass: false, costUsd: undefined }),
				createRecord(1, 'few', 'b', { latencyMs: 250, pass: true, scores: [{ scorer: 'exact', score: 1, pass: true }], logprobs: { tokens: 3, meanNll: 0.5, perplexity: Math.exp(0.5) } }),
			];
			await compare.send(initMessage(), { type: 'run/show', run: createRun({ rows: createRows(2), records, summaries: summarizeRun(variants, records) }) });
			const ft = compare.page.locator('#summary tr[data-variant="ft"] td');
			await ft.first().waitFor();
			const ftCells = await ft.allTextContents();
			assert.equal(ftCells[0], '50.0% (1/2)');
			assert.equal(ftCells[1], '0.50');
			assert.equal(ftCells[2], '2');
			assert.equal(ftCells[6], '100 ms');
			assert.equal(ftCells[7], '300 ms');
			const fewCells = await compare.page.locator('#summary tr[data-variant="few"] td').allTextContents();
			assert.equal(fewCells[0], '50.0% (1/2)');
			assert.equal(fewCells[2], '2 (1 failed)');
			assert.equal(fewCells[11], Math.exp(0.5).toFixed(2));
		});
	});

	it('realistic comparison screenshot', async () => {
		await withPage(
			async (compare) => {
				const rows = createRows(6, (index) => ['positive', 'negative', 'neutral'][index % 3]);
				const records = rows.flatMap((row) => [
					createRecord(row.index, 'ft', ['positive', 'negative', 'neutral'][row.index % 3], {
						promptTokens: 38,
						completionTokens: 1,
						pass: true,
						scores: [{ scorer: 'exact', score: 1, pass: true }],
					}),
					createRecord(row.index, 'few', row.index === 2 ? 'The sentiment is **neutral**.' : ['positive', 'negative', 'neutral'][row.index % 3], {
						promptTokens: 612,
						completionTokens: row.index === 2 ? 7 : 1,
						pass: row.index !== 2,
						scores: [{ scorer: 'exact', score: row.index === 2 ? 0 : 1, pass: row.index !== 2 }],
					}),
				]);
				const summaries = summarizeRun(variants, records);
				const view = breakEvenView(variants, summaries, { settings: { trainingTokens: 500_000, epochs: 3 } }, () => undefined);
				await compare.send(
					initMessage({ draft: createDraft({ scorers: [{ type: 'exact', id: 'exact' }] }) }),
					{ type: 'run/show', run: createRun({ rows, records, summaries }) },
					{ type: 'breakEven/show', view },
				);
				await compare.page.locator('#break-even svg').waitFor();
				await compare.page.locator('#view-mode').selectOption('diff-expected');
				await compare.page.locator('#results').scrollIntoViewIfNeeded();
				await compare.page.screenshot({ path: '/tmp/compare-panel.png', fullPage: true });
			},
			{ width: 1280, height: 1000 },
		);
	});
});
