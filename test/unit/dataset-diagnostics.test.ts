import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDataset } from '../../src/core/compare/dataset';
import { validateFineTuneJsonl } from '../../src/core/compare/finetune';
import { datasetKindOf, validateDataset } from '../../src/vscode/datasets/datasetValidation';

const twoFaults = readFileSync(path.join(__dirname, '../fixtures/cases/finetune-two-faults.jsonl'), 'utf8');

function row(fields: Record<string, unknown>): string {
	return JSON.stringify(fields);
}

describe('datasetKindOf', () => {
	test('chat lines make a fine-tuning file', () => {
		assert.equal(datasetKindOf('/data/train.jsonl', twoFaults), 'fine-tuning');
	});

	test('objects of fields are rows', () => {
		assert.equal(datasetKindOf('/data/eval.JSONL', `${row({ input: 'a', expected: 'b' })}\n`), 'rows');
	});

	test('a broken first line does not hide the chat format', () => {
		const text = `{"messages": [,\n\n${row({ messages: [{ role: 'user', content: 'x' }] })}\n`;
		assert.equal(datasetKindOf('a.ndjson', text), 'fine-tuning');
	});

	test('CSV by extension', () => {
		assert.equal(datasetKindOf('/data/eval.csv', 'input,expected\n'), 'csv');
	});

	test('other files are not datasets', () => {
		assert.equal(datasetKindOf('/data/notes.json', '{}'), undefined);
	});
});

describe('validateDataset', () => {
	test('finds both faults of the fine-tuning case', async () => {
		const result = await validateDataset(twoFaults, 'fine-tuning');
		assert.deepEqual(
			result?.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.code]),
			[
				[37, 'trailing-comma'],
				[52, 'unknown-role'],
			],
		);
		assert.equal(result?.total, 2);
	});

	test('chunks give the same diagnostics as one pass', async () => {
		const whole = validateFineTuneJsonl(twoFaults);
		for (const chunkLines of [1, 7, 36, 37, 51, 52, 1000]) {
			const result = await validateDataset(twoFaults, 'fine-tuning', { chunkLines });
			assert.deepEqual(result?.diagnostics, whole, `chunks of ${chunkLines} lines`);
		}
	});

	test('fixes move with their chunk', async () => {
		const result = await validateDataset(twoFaults, 'fine-tuning', { chunkLines: 10 });
		const role = result?.diagnostics.find((diagnostic) => diagnostic.code === 'unknown-role');
		assert.equal(role?.fix?.line, 52);
		assert.equal(role?.fix?.newText, '"assistant"');
	});

	test('blank line at a chunk end is still flagged', async () => {
		const text = [row({ input: 'a' }), row({ input: 'b' }), '', row({ input: 'c' })].join('\n');
		const result = await validateDataset(text, 'rows', { chunkLines: 3 });
		assert.deepEqual(
			result?.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.code]),
			[[3, 'blank-line']],
		);
	});

	test('final line break is not a blank line', async () => {
		const text = `${row({ input: 'a' })}\n${row({ input: 'b' })}\n`;
		const result = await validateDataset(text, 'rows', { chunkLines: 2 });
		assert.deepEqual(result?.diagnostics, []);
	});

	test('rows format reports lines that are not objects', async () => {
		const text = [row({ input: 'a' }), '[1, 2]', row({ input: 'c' })].join('\n');
		const result = await validateDataset(text, 'rows', { chunkLines: 2 });
		assert.deepEqual(
			result?.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.code]),
			[[2, 'not-object']],
		);
	});

	test('CSV chunks keep the header and quoted line breaks', async () => {
		const lines = ['input,expected'];
		for (let index = 1; index <= 12; index++) {
			lines.push(index === 5 ? '"two\nlines",x' : `row ${index},x`);
		}
		lines.push('short');
		lines.push('last,x');
		const text = `${lines.join('\n')}\n`;
		const whole = parseDataset(text, 'csv').diagnostics;
		for (const chunkLines of [1, 3, 4, 5, 100]) {
			const result = await validateDataset(text, 'csv', { chunkLines });
			assert.deepEqual(result?.diagnostics, whole, `chunks of ${chunkLines} lines`);
		}
		assert.deepEqual(
			whole.map((diagnostic) => [diagnostic.line, diagnostic.code]),
			[[15, 'csv-columns']],
		);
	});

	test('keeps at most the cap and counts the rest', async () => {
		const text = Array.from({ length: 50 }, () => '{"input": "a",}').join('\n');
		const result = await validateDataset(text, 'rows', { maxDiagnostics: 3, chunkLines: 7 });
		assert.equal(result?.diagnostics.length, 3);
		assert.equal(result?.total, 50);
		assert.deepEqual(
			result?.diagnostics.map((diagnostic) => diagnostic.line),
			[1, 2, 3],
		);
	});

	test('stops when aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		assert.equal(await validateDataset(twoFaults, 'fine-tuning', { signal: controller.signal }), undefined);
	});

	test('yields to the event loop between chunks', async () => {
		const text = Array.from({ length: 200 }, (_, index) => row({ input: `row ${index}` })).join('\n');
		let ticks = 0;
		let running = true;
		const tick = () => {
			ticks++;
			if (running) {
				setImmediate(tick);
			}
		};
		setImmediate(tick);
		await validateDataset(text, 'rows', { chunkLines: 10 });
		running = false;
		assert.ok(ticks >= 10, `only ${ticks} event loop turns ran during 20 chunks`);
	});
});
