import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDataset } from '../../src/core/compare/dataset';
import { pickFewShotExamples, seededRandom } from '../../src/core/compare/fewShot';
import { readChatJsonl, validateFineTuneJsonl } from '../../src/core/compare/finetune';
import { buildMessages, checkTemplates, renderTemplate, templateVariables } from '../../src/core/compare/template';
import type { DatasetRow, Variant } from '../../src/core/compare/types';
import { loadVariantsFile, parseVariantsFile } from '../../src/core/compare/variantsFile';
import { CompareInputError, TemplateVariableError } from '../../src/core/errors';

const casesDir = path.join(__dirname, '../fixtures/cases');

/** Applies a diagnostic's quick fix to the text of its line. */
function applyFix(text: string, fix: { line: number; column: number; endColumn: number; newText: string }): string {
	const lines = text.split('\n');
	const line = lines[fix.line - 1];
	lines[fix.line - 1] = line.slice(0, fix.column - 1) + fix.newText + line.slice(fix.endColumn - 1);
	return lines.join('\n');
}

function chatLine(...turns: Array<[string, string]>): string {
	return JSON.stringify({ messages: turns.map(([role, content]) => ({ role, content })) });
}

describe('fine-tuning file validation', () => {
	const text = readFileSync(path.join(casesDir, 'finetune-two-faults.jsonl'), 'utf8');

	test('trailing comma and misspelt role give two diagnostics', () => {
		const diagnostics = validateFineTuneJsonl(text);
		assert.equal(diagnostics.length, 2);
		assert.deepEqual(
			diagnostics.map((diagnostic) => diagnostic.line),
			[37, 52],
		);
		assert.equal(diagnostics[0].code, 'trailing-comma');
		assert.equal(diagnostics[1].code, 'unknown-role');
	});

	test('trailing comma diagnostic points at the comma', () => {
		const [comma] = validateFineTuneJsonl(text);
		const line = text.split('\n')[36];
		assert.equal(line[comma.column - 1], ',');
		assert.equal(line.slice(comma.column), '}');
		assert.match(comma.message, /Trailing comma/);
	});

	test('role diagnostic covers the role and suggests assistant', () => {
		const role = validateFineTuneJsonl(text)[1];
		const line = text.split('\n')[51];
		assert.equal(line.slice(role.column - 1, role.endColumn - 1), '"assitant"');
		assert.match(role.message, /"assitant"/);
		assert.match(role.message, /Did you mean "assistant"\?/);
		assert.equal(role.fix?.newText, '"assistant"');
	});

	test('both quick fixes leave a valid file', () => {
		let fixed = text;
		for (const diagnostic of validateFineTuneJsonl(text)) {
			assert.ok(diagnostic.fix, `no fix for ${diagnostic.code}`);
			fixed = applyFix(fixed, diagnostic.fix);
		}
		assert.deepEqual(validateFineTuneJsonl(fixed), []);
		assert.equal(readChatJsonl(fixed, 'fine-tuning').examples.length, 60);
	});

	test('structural faults each get a rule', () => {
		const lines = [
			'[1, 2]',
			'{"prompt": "old completion format"}',
			'{"messages": []}',
			chatLine(['user', 'Hi']),
			JSON.stringify({ messages: [{ role: 'user', content: 5 }, { role: 'assistant', content: 'x' }] }),
			JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'x', weight: 2 }] }),
			'',
			'{"messages": [{"role": "user", "content": "Hi"}] "x"}',
		];
		const codes = validateFineTuneJsonl(lines.join('\n')).map((diagnostic) => [diagnostic.line, diagnostic.code]);
		assert.deepEqual(codes, [
			[1, 'not-object'],
			[2, 'missing-messages'],
			[3, 'empty-messages'],
			[4, 'no-assistant'],
			[5, 'invalid-content'],
			[6, 'invalid-weight'],
			[7, 'blank-line'],
			[8, 'json-syntax'],
		]);
	});

	test('unrelated role gets no suggestion', () => {
		const [diagnostic] = validateFineTuneJsonl(chatLine(['narrator', 'Once'], ['assistant', 'upon']));
		assert.equal(diagnostic.code, 'unknown-role');
		assert.equal(diagnostic.fix, undefined);
	});
});

describe('templates', () => {
	test('fill variables with or without spaces', () => {
		assert.equal(renderTemplate('Q: {{input}} / {{ context }}', { input: 'a', context: 'b' }), 'Q: a / b');
	});

	test('list variables once in order', () => {
		assert.deepEqual(templateVariables('{{b}} {{a}} {{b}}'), ['b', 'a']);
	});

	test('missing variable error names it', () => {
		assert.throws(
			() => renderTemplate('Use {{context}} for {{input}}', { input: 'x' }),
			(error: unknown) => {
				assert.ok(error instanceof TemplateVariableError);
				assert.equal(error.variable, 'context');
				assert.match(error.message, /\{\{context\}\}/);
				assert.match(error.message, /Available: input/);
				return true;
			},
		);
	});

	test('check names variant and row of a missing variable', () => {
		const variant: Variant = { id: 'v1', label: 'V1', model: 'a:b', template: '{{question}}' };
		const rows: DatasetRow[] = [
			{ index: 0, line: 1, variables: { question: 'q' } },
			{ index: 1, line: 2, variables: { input: 'q' } },
		];
		assert.throws(() => checkTemplates([variant], rows), /variant "v1" \(row 2, line 2\) uses \{\{question\}\}/);
	});
});

describe('messages of a variant', () => {
	const examples = [{ messages: [{ role: 'user' as const, content: 'ex in' }, { role: 'assistant' as const, content: 'ex out' }] }];

	test('plain row gets system, examples and rendered input', () => {
		const variant: Variant = { id: 'v', label: 'v', model: 'a:b', system: 'Label {{kind}}.', examples, template: 'Ticket: {{input}}' };
		const row: DatasetRow = { index: 0, line: 1, variables: { input: 'printer', kind: 'tickets' } };
		assert.deepEqual(buildMessages(variant, row), [
			{ role: 'system', content: 'Label tickets.' },
			{ role: 'user', content: 'ex in' },
			{ role: 'assistant', content: 'ex out' },
			{ role: 'user', content: 'Ticket: printer' },
		]);
	});

	test('chat row keeps its system prompt without one of the variant', () => {
		const [row] = parseDataset(chatLine(['system', 'Be brief.'], ['user', 'Hi'], ['assistant', 'Hello']), 'jsonl').rows;
		const variant: Variant = { id: 'ft', label: 'ft', model: 'a:b' };
		assert.deepEqual(buildMessages(variant, row), [
			{ role: 'system', content: 'Be brief.' },
			{ role: 'user', content: 'Hi' },
		]);
	});

	test('chat row takes the variant system prompt and template', () => {
		const [row] = parseDataset(chatLine(['system', 'Be brief.'], ['user', 'Hi'], ['assistant', 'Hello']), 'jsonl').rows;
		const variant: Variant = { id: 'p', label: 'p', model: 'a:b', system: 'You greet.', examples, template: 'Say: {{input}}' };
		assert.deepEqual(buildMessages(variant, row), [
			{ role: 'system', content: 'You greet.' },
			{ role: 'user', content: 'ex in' },
			{ role: 'assistant', content: 'ex out' },
			{ role: 'user', content: 'Say: Hi' },
		]);
	});
});

describe('datasets', () => {
	test('JSONL rows have variables and expected', () => {
		const text = ['{"input": "2+2", "expected": "4", "n": 3}', '{"input": "no answer"}', ''].join('\n');
		const { rows, diagnostics } = parseDataset(text, 'jsonl');
		assert.deepEqual(diagnostics, []);
		assert.deepEqual(rows, [
			{ index: 0, line: 1, variables: { input: '2+2', n: '3' }, expected: '4' },
			{ index: 1, line: 2, variables: { input: 'no answer' }, expected: undefined },
		]);
	});

	test('chat rows take the last assistant message as expected', () => {
		const { rows } = parseDataset(chatLine(['system', 'S'], ['user', 'U1'], ['assistant', 'A1'], ['user', 'U2'], ['assistant', 'A2']), 'jsonl');
		assert.equal(rows[0].expected, 'A2');
		assert.equal(rows[0].variables.input, 'U2');
		assert.equal(rows[0].variables.system, 'S');
		assert.equal(rows[0].messages?.length, 4);
	});

	test('invalid lines are left out and numbered rows stay dense', () => {
		const text = ['{"input": "a"}', '{"input": "b",}', '"just text"', chatLine(['user', 'x'], ['asistant', 'y']), '{"input": "c"}'].join('\n');
		const { rows, diagnostics } = parseDataset(text, 'jsonl');
		assert.deepEqual(
			rows.map((row) => [row.index, row.line]),
			[
				[0, 1],
				[1, 5],
			],
		);
		assert.deepEqual(
			diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.code]),
			[
				[2, 'trailing-comma'],
				[3, 'not-object'],
				[4, 'unknown-role'],
			],
		);
	});

	test('CSV rows keep quoted commas and newlines', () => {
		const text = 'input,expected\n"a, b",1\n"two\nlines",\n\nplain,3\n';
		const { rows, diagnostics } = parseDataset(text, 'csv');
		assert.deepEqual(diagnostics, []);
		assert.deepEqual(rows, [
			{ index: 0, line: 2, variables: { input: 'a, b' }, expected: '1' },
			{ index: 1, line: 3, variables: { input: 'two\nlines' }, expected: undefined },
			{ index: 2, line: 6, variables: { input: 'plain' }, expected: '3' },
		]);
	});

	test('CSV record with too few fields is reported on its line', () => {
		const { rows, diagnostics } = parseDataset('input,expected\na,1\nb\nc,3\n', 'csv');
		assert.equal(rows.length, 2);
		assert.equal(diagnostics.length, 1);
		assert.equal(diagnostics[0].line, 3);
		assert.equal(diagnostics[0].code, 'csv-columns');
	});

	test('CSV with an unclosed quote is one diagnostic', () => {
		const { rows, diagnostics } = parseDataset('input\n"open\n', 'csv');
		assert.equal(rows.length, 0);
		assert.equal(diagnostics[0].code, 'csv-syntax');
	});
});

describe('few-shot examples', () => {
	const conversations = Array.from({ length: 10 }, (_, index) => ({
		line: index + 1,
		messages: [
			{ role: 'system' as const, content: 'S' },
			{ role: 'user' as const, content: `q${index}` },
			{ role: 'assistant' as const, content: `a${index}` },
		],
	}));

	test('first N drop system messages', () => {
		const picked = pickFewShotExamples(conversations, { count: 2, pick: 'first' });
		assert.deepEqual(picked, [
			{ messages: [{ role: 'user', content: 'q0' }, { role: 'assistant', content: 'a0' }] },
			{ messages: [{ role: 'user', content: 'q1' }, { role: 'assistant', content: 'a1' }] },
		]);
	});

	test('random pick repeats with the same seed', () => {
		const first = pickFewShotExamples(conversations, { count: 4, pick: 'random', seed: 7 });
		const second = pickFewShotExamples(conversations, { count: 4, pick: 'random', seed: 7 });
		assert.deepEqual(second, first);
		const inputs = first.map((example) => example.messages[0].content);
		assert.equal(new Set(inputs).size, 4);
	});

	test('random pick changes with the seed', () => {
		const inputs = (seed: number) =>
			pickFewShotExamples(conversations, { count: 4, pick: 'random', seed }).map((example) => example.messages[0].content);
		assert.notDeepEqual(inputs(7), inputs(8));
	});

	test('seeded generator stays in [0, 1)', () => {
		const random = seededRandom(42);
		const values = Array.from({ length: 1000 }, random);
		assert.ok(values.every((value) => value >= 0 && value < 1));
		assert.ok(Math.abs(values.reduce((a, b) => a + b) / values.length - 0.5) < 0.05);
	});

	test('more examples than the file has is an error', () => {
		assert.throws(() => pickFewShotExamples(conversations, { count: 11, pick: 'first' }), CompareInputError);
	});
});

describe('variants file', () => {
	test('invalid entries are named by path', () => {
		const file = { variants: [{ id: 'a', model: 'no-provider', parameters: { temperature: 5 } }], scorers: [{ type: 'regex' }] };
		assert.throws(
			() => parseVariantsFile(file, 'variants.json'),
			(error: unknown) => {
				assert.ok(error instanceof CompareInputError);
				assert.match(error.message, /\/variants\/0\/model/);
				assert.match(error.message, /\/variants\/0\/parameters\/temperature/);
				assert.match(error.message, /\/scorers\/0 must have required property 'pattern'/);
				return true;
			},
		);
	});

	test('few-shot file is resolved next to the variants file', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'llm-lab-variants-'));
		const train = Array.from({ length: 5 }, (_, index) => chatLine(['user', `q${index}`], ['assistant', `a${index}`])).join('\n');
		await writeFile(path.join(dir, 'train.jsonl'), train);
		const variants = {
			variants: [
				{ id: 'few', model: 'openai:gpt-4o-mini', fewShot: { file: 'train.jsonl', count: 2 }, examples: [{ input: 'i', output: 'o' }] },
			],
		};
		await writeFile(path.join(dir, 'variants.json'), JSON.stringify(variants));
		const definition = await loadVariantsFile(path.join(dir, 'variants.json'));
		const examples = definition.variants[0].examples ?? [];
		assert.deepEqual(
			examples.map((example) => example.messages[0].content),
			['i', 'q0', 'q1'],
		);
		assert.deepEqual(definition.variants[0].examplesFrom, { file: 'train.jsonl', count: 2, pick: 'first' });
		assert.equal(definition.providers[0].id, 'openai');
	});

	test('invalid few-shot file lists its line', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'llm-lab-variants-'));
		await writeFile(path.join(dir, 'train.jsonl'), readFileSync(path.join(casesDir, 'finetune-two-faults.jsonl')));
		await writeFile(
			path.join(dir, 'variants.json'),
			JSON.stringify({ variants: [{ id: 'few', model: 'openai:gpt-4o-mini', fewShot: { file: 'train.jsonl', count: 2 } }] }),
		);
		await assert.rejects(loadVariantsFile(path.join(dir, 'variants.json')), /train\.jsonl:52:158/);
	});
});
