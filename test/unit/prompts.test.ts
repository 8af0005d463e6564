import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../src/core/compare/jsonl';
import { templateVariables } from '../../src/core/compare/template';
import { CompareInputError } from '../../src/core/errors';
import { readPromptFile } from '../../src/core/prompts/definition';
import { findFrontMatter, findPlaceholders, fillPlaceholders } from '../../src/core/prompts/promptFile';
import { starterPromptFile } from '../../src/core/prompts/starter';
import {
	compareArguments,
	missingVariables,
	previewMessages,
	promptParts,
	promptVariants,
	renderVariant,
	variableDefaults,
} from '../../src/core/prompts/variants';

const PROVIDERS = [
	{ id: 'openai', kind: 'openai' as const },
	{ id: 'ollama', kind: 'ollama' as const },
];

/** Builds a prompt file from front matter lines and body lines. */
function promptFile(frontMatter: string[], body: string[] = ['## user', '', 'Hello.']): string {
	return ['---', ...frontMatter, '---', '', ...body, ''].join('\n');
}

/** Returns the text a diagnostic covers; it must be on one line. */
function covered(text: string, diagnostic: Diagnostic): string {
	assert.equal(diagnostic.line, diagnostic.endLine, `diagnostic ${diagnostic.code} spans lines`);
	return text.split('\n')[diagnostic.line - 1].slice(diagnostic.column - 1, diagnostic.endColumn - 1);
}

function only(text: string, code: string): Diagnostic {
	const found = readPromptFile(text, { providers: PROVIDERS }).diagnostics.filter(
		(diagnostic) => diagnostic.code === code,
	);
	assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(found)}`);
	return found[0];
}

/** Applies a diagnostic's quick fix to the text. */
function applyFix(text: string, diagnostic: Diagnostic): string {
	const fix = diagnostic.fix;
	assert.ok(fix, `diagnostic ${diagnostic.code} has no fix`);
	const lines = text.split('\n');
	const line = lines[fix.line - 1];
	lines[fix.line - 1] = line.slice(0, fix.column - 1) + fix.newText + line.slice(fix.endColumn - 1);
	return lines.join('\n');
}

describe('prompt file structure', () => {
	test('front matter ends at the closing line', () => {
		const text = '---\nmodel: openai:gpt-4o\n---\n## user\nHi';
		const block = findFrontMatter(text);
		assert.equal(block?.closed, true);
		assert.equal(text.slice(block?.start, block?.end), 'model: openai:gpt-4o\n');
	});

	test('front matter without closing line is unclosed', () => {
		assert.equal(findFrontMatter('---\nmodel: x\n## user\n')?.closed, false);
	});

	test('no front matter unless the first line is ---', () => {
		assert.equal(findFrontMatter('\n---\nmodel: x\n---\n'), undefined);
	});

	test('placeholders match the engine template grammar', () => {
		const samples = ['{{input}} and {{ context }}', '{{a.b-c_d}} {{ 9bad }} {{x}}{{x}}', '{{ }} {{{nested}}}'];
		for (const sample of samples) {
			const names = [...new Set(findPlaceholders(sample).map((placeholder) => placeholder.name))];
			assert.deepEqual(names, templateVariables(sample), sample);
		}
	});

	test('placeholder offsets cover the braces', () => {
		const text = 'Say {{ greeting }} now';
		const [placeholder] = findPlaceholders(text);
		assert.equal(text.slice(placeholder.start, placeholder.end), '{{ greeting }}');
	});

	test('fill leaves variables without a value as written', () => {
		assert.equal(fillPlaceholders('{{a}} {{ b }}', { a: 'one' }), 'one {{ b }}');
	});
});

describe('prompt file validation', () => {
	test('starter file has no diagnostics', () => {
		assert.deepEqual(readPromptFile(starterPromptFile(), { providers: PROVIDERS }).diagnostics, []);
	});

	test('unknown key points at the key with a fix', () => {
		const text = promptFile(['model: openai:gpt-4o', 'parameters:', '  temprature: 0.3']);
		const diagnostic = only(text, 'unknown-key');
		assert.equal(diagnostic.line, 4);
		assert.equal(covered(text, diagnostic), 'temprature');
		assert.match(diagnostic.message, /Unknown key "temprature" in parameters\. Did you mean "temperature"\?/);
		assert.equal(diagnostic.fix?.newText, 'temperature');
	});

	test('snake case parameter suggests the camel case key', () => {
		const text = promptFile(['parameters:', '  max_tokens: 100']);
		assert.equal(only(text, 'unknown-key').fix?.newText, 'maxTokens');
	});

	test('unknown top-level key without a close match has no fix', () => {
		const text = promptFile(['colour: blue']);
		const diagnostic = only(text, 'unknown-key');
		assert.equal(diagnostic.fix, undefined);
		assert.match(diagnostic.message, /in the front matter/);
	});

	test('wrong type points at the value', () => {
		const text = promptFile(['parameters:', '  temperature: hot']);
		const diagnostic = only(text, 'invalid-type');
		assert.equal(covered(text, diagnostic), 'hot');
		assert.equal(diagnostic.message, 'parameters.temperature must be a number from 0 to 2, not "hot".');
	});

	test('number out of range is invalid', () => {
		const text = promptFile(['parameters:', '  topP: 3']);
		assert.equal(only(text, 'invalid-value').message, 'parameters.topP must be a number from 0 to 1, not 3.');
	});

	test('fractional seed is not an integer', () => {
		const text = promptFile(['parameters: { seed: 1.5 }']);
		assert.equal(covered(text, only(text, 'invalid-type')), '1.5');
	});

	test('stop accepts a string or at most four strings', () => {
		const valid = readPromptFile(promptFile(['parameters:', '  stop: "END"']));
		assert.deepEqual(valid.options.parameters.stop, ['END']);
		const tooMany = promptFile(['parameters:', '  stop: [a, b, c, d, e]']);
		assert.match(only(tooMany, 'invalid-value').message, /at most 4 strings/);
	});

	test('model without provider prefix gets one from the catalog', () => {
		const text = promptFile(['model: gpt-4o-mini']);
		const diagnostic = only(text, 'model-without-provider');
		assert.equal(covered(text, diagnostic), 'gpt-4o-mini');
		assert.match(diagnostic.message, /"gpt-4o-mini" has no provider prefix/);
		assert.equal(diagnostic.fix?.newText, 'openai:');
		assert.equal(readPromptFile(applyFix(text, diagnostic), { providers: PROVIDERS }).diagnostics.length, 0);
	});

	test('prefix fix goes inside quotes', () => {
		const text = promptFile(['model: "gpt-4o"']);
		const fixed = applyFix(text, only(text, 'model-without-provider'));
		assert.match(fixed, /model: "openai:gpt-4o"/);
	});

	test('model without prefix is flagged without providers', () => {
		const result = readPromptFile(promptFile(['model: llama3']));
		assert.deepEqual(
			result.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.fix]),
			[['model-without-provider', undefined]],
		);
	});

	test('unknown provider lists the configured ones', () => {
		const text = promptFile(['model: lmstudio:qwen2.5-7b']);
		const diagnostic = only(text, 'unknown-provider');
		assert.match(diagnostic.message, /Unknown provider "lmstudio".*Configured providers: openai, ollama\./);
		assert.equal(diagnostic.fix, undefined);
	});

	test('misspelt provider gets the close id', () => {
		const text = promptFile(['model: olama:llama3.2:3b']);
		const diagnostic = only(text, 'unknown-provider');
		assert.equal(diagnostic.fix?.newText, 'ollama');
		assert.match(applyFix(text, diagnostic), /model: ollama:llama3\.2:3b/);
	});

	test('ollama tag without prefix gets the ollama provider', () => {
		const text = promptFile(['model: qwen3:4b']);
		const diagnostic = only(text, 'unknown-provider');
		assert.equal(diagnostic.fix?.newText, 'ollama:');
	});

	test('providers are not checked without a context', () => {
		assert.deepEqual(readPromptFile(promptFile(['model: lmstudio:qwen'])).diagnostics, []);
	});

	test('variant model is checked with its path', () => {
		const text = promptFile(['variants:', '  - id: a', '    model: openai:gpt-4o', '  - id: b', '    model: 42']);
		const diagnostic = only(text, 'invalid-type');
		assert.equal(diagnostic.line, 6);
		assert.equal(diagnostic.message, 'variants[1].model must be a string, not 42.');
	});

	test('duplicate variant ids are errors', () => {
		const text = promptFile([
			'variants:',
			'  - id: a',
			'    model: openai:gpt-4o',
			'  - id: a',
			'    model: openai:gpt-4o-mini',
		]);
		const diagnostic = only(text, 'duplicate-variant');
		assert.equal(diagnostic.line, 5);
	});

	test('few-shot source needs file and count', () => {
		const text = promptFile(['fewShot:', '  file: train.jsonl']);
		assert.equal(only(text, 'missing-key').message, 'fewShot needs "count".');
	});

	test('few-shot pick must be first or random', () => {
		const text = promptFile(['fewShot: { file: a.jsonl, count: 2, pick: last }']);
		assert.equal(only(text, 'invalid-value').message, 'fewShot.pick must be "first" or "random", not "last".');
	});

	test('YAML syntax error has a position', () => {
		const text = promptFile(['model: [openai:gpt-4o', 'parameters: {}']);
		const errors = readPromptFile(text).diagnostics.filter((diagnostic) => diagnostic.code === 'yaml-syntax');
		assert.equal(errors.length, 1);
		assert.equal(errors[0].line, 3);
		assert.equal(errors[0].column, 1);
		assert.match(errors[0].message, /^Invalid YAML: Flow sequence .* end with a \]\.$/);
	});

	test('duplicate key is a YAML error', () => {
		const text = promptFile(['model: openai:a', 'model: openai:b']);
		assert.equal(only(text, 'yaml-syntax').line, 3);
	});

	test('unclosed front matter is an error', () => {
		const result = readPromptFile('---\nmodel: openai:gpt-4o\n## user\nHi\n');
		assert.deepEqual(
			result.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.line]),
			[['unclosed-front-matter', 1]],
		);
	});

	test('Copilot prompt file is left alone', () => {
		const text = promptFile(['mode: agent', 'model: GPT-4o', 'tools: [codebase]'], ['Fix the bug in {{file}}.']);
		const result = readPromptFile(text, { providers: PROVIDERS });
		assert.equal(result.foreign, true);
		assert.deepEqual(result.diagnostics, []);
	});

	test('positions count from CRLF lines', () => {
		const text = promptFile(['parameters:', '  temperature: hot']).replace(/\n/g, '\r\n');
		const diagnostic = only(text, 'invalid-type');
		assert.equal(diagnostic.line, 3);
		assert.equal(diagnostic.column, 16);
	});
});

describe('prompt file variables', () => {
	test('undeclared variable is flagged where it is used', () => {
		const text = promptFile(['model: openai:gpt-4o'], ['## user', '', 'Answer {{question}}.']);
		const diagnostic = only(text, 'undeclared-variable');
		assert.equal(diagnostic.severity, 'warning');
		assert.equal(diagnostic.line, 7);
		assert.equal(covered(text, diagnostic), '{{question}}');
		assert.match(diagnostic.message, /\{\{question\}\} is not declared under "variables"/);
	});

	test('declared variables need no diagnostic', () => {
		const text = promptFile(
			['variables:', '  question:', '  tone: calm'],
			['## system', 'Be {{tone}}.', '## user', '{{question}}'],
		);
		assert.deepEqual(readPromptFile(text).diagnostics, []);
	});

	test('defaults come from scalars and mappings', () => {
		const text = promptFile(
			[
				'variables:',
				'  question:',
				'  tone: calm',
				'  count: 3',
				'  context:',
				'    default: none',
				'    description: Background',
			],
			['## system', '{{tone}} {{count}} {{context}}', '## user', '{{question}}'],
		);
		const definition = readPromptFile(text);
		assert.deepEqual(variableDefaults(definition), { tone: 'calm', count: '3', context: 'none' });
		assert.equal(
			definition.options.variables.find((variable) => variable.name === 'context')?.description,
			'Background',
		);
	});

	test('list declares variables without defaults', () => {
		const definition = readPromptFile(promptFile(['variables: [question]'], ['## user', '{{question}}']));
		assert.deepEqual(definition.diagnostics, []);
		assert.deepEqual(missingVariables(definition, variableDefaults(definition)), ['question']);
	});

	test('unused variable is flagged at its declaration', () => {
		const text = promptFile(['variables:', '  questoin: x'], ['## user', 'Hi']);
		const diagnostic = only(text, 'unused-variable');
		assert.equal(covered(text, diagnostic), 'questoin');
	});

	test('invalid variable name is an error', () => {
		const text = promptFile(['variables:', '  my var: x']);
		assert.equal(covered(text, only(text, 'invalid-variable-name')), 'my var');
	});

	test('variable in a few-shot message is sent as written', () => {
		const text = promptFile([], ['## user', 'Q {{x}}', '## assistant', 'A', '## user', 'Real']);
		assert.equal(only(text, 'variable-in-example').line, 5);
	});

	test('variables of a variant system prompt count as used', () => {
		const text = promptFile([
			'variables:',
			'  tone: calm',
			'variants:',
			'  - model: openai:gpt-4o',
			'    system: Be {{tone}}.',
		]);
		assert.deepEqual(readPromptFile(text).diagnostics, []);
	});
});

describe('prompt file messages', () => {
	test('messages after the last user message are flagged', () => {
		const text = promptFile([], ['## user', 'Hi', '## assistant', 'Hello']);
		const diagnostic = only(text, 'after-last-user');
		assert.equal(covered(text, diagnostic), '## assistant');
	});

	test('a later system message is flagged', () => {
		const text = promptFile([], ['## user', 'Hi', '## system', 'Late', '## user', 'Again']);
		assert.equal(only(text, 'misplaced-system').line, 6);
	});

	test('empty message is flagged', () => {
		const text = promptFile([], ['## system', '', '## user', 'Hi']);
		assert.equal(only(text, 'empty-message').line, 4);
	});

	test('a body without messages is flagged', () => {
		const text = promptFile(['model: openai:gpt-4o'], ['Just notes.']);
		assert.equal(only(text, 'no-messages').line, 4);
	});
});

describe('prompt file variants', () => {
	const body = [
		'## system',
		'Label {{kind}}.',
		'## user',
		'Printer offline',
		'## assistant',
		'hardware',
		'## user',
		'{{ticket}}',
	];

	test('body splits into system, examples and template', () => {
		const parts = promptParts(readPromptFile(promptFile([], body)));
		assert.equal(parts.system, 'Label {{kind}}.');
		assert.deepEqual(parts.examples, [
			{
				messages: [
					{ role: 'user', content: 'Printer offline' },
					{ role: 'assistant', content: 'hardware' },
				],
			},
		]);
		assert.equal(parts.template, '{{ticket}}');
	});

	test('one variant for the file model', () => {
		const definition = readPromptFile(
			promptFile(['name: Tickets', 'model: openai:gpt-4o', 'parameters: { temperature: 0 }'], body),
		);
		const [variant, ...rest] = promptVariants(definition);
		assert.equal(rest.length, 0);
		assert.equal(variant.id, 'prompt');
		assert.equal(variant.label, 'Tickets');
		assert.equal(variant.model, 'openai:gpt-4o');
		assert.deepEqual(variant.parameters, { temperature: 0 });
		assert.equal(variant.template, '{{ticket}}');
	});

	test('selected model is the fallback', () => {
		const [variant] = promptVariants(readPromptFile(promptFile([], body)), 'ollama:qwen3:4b');
		assert.equal(variant.model, 'ollama:qwen3:4b');
	});

	test('no model anywhere throws', () => {
		assert.throws(() => promptVariants(readPromptFile(promptFile([], body))), CompareInputError);
	});

	test('variants override the file defaults', () => {
		const definition = readPromptFile(
			promptFile(
				[
					'model: openai:gpt-4o-mini',
					'parameters: { temperature: 0.5, maxTokens: 64 }',
					'variants:',
					'  - id: few-shot',
					'  - id: ft',
					'    label: Fine-tuned',
					'    model: openai:ft:gpt-4o-mini:acme::abc123',
					'    system: ""',
					'    examples: false',
					'    parameters: { temperature: 0 }',
				],
				body,
			),
		);
		const [fewShot, fineTuned] = promptVariants(definition);
		assert.equal(fewShot.model, 'openai:gpt-4o-mini');
		assert.equal(fewShot.label, 'few-shot');
		assert.equal(fewShot.system, 'Label {{kind}}.');
		assert.equal(fewShot.examples?.length, 1);
		assert.deepEqual(fewShot.parameters, { temperature: 0.5, maxTokens: 64 });
		assert.equal(fineTuned.model, 'openai:ft:gpt-4o-mini:acme::abc123');
		assert.equal(fineTuned.label, 'Fine-tuned');
		assert.equal(fineTuned.system, '');
		assert.equal(fineTuned.examples, undefined);
		assert.deepEqual(fineTuned.parameters, { temperature: 0, maxTokens: 64 });
	});

	test('few-shot source is inherited', () => {
		const definition = readPromptFile(
			promptFile(
				['model: openai:gpt-4o', 'fewShot: { file: train.jsonl, count: 5, pick: random, seed: 7 }'],
				body,
			),
		);
		assert.deepEqual(promptVariants(definition)[0].examplesFrom, {
			file: 'train.jsonl',
			count: 5,
			pick: 'random',
			seed: 7,
		});
	});

	test('rendered messages fill the variables', () => {
		const definition = readPromptFile(promptFile(['model: openai:gpt-4o'], body));
		const messages = renderVariant(promptVariants(definition)[0], { kind: 'tickets', ticket: 'VPN down' });
		assert.deepEqual(messages, [
			{ role: 'system', content: 'Label tickets.' },
			{ role: 'user', content: 'Printer offline' },
			{ role: 'assistant', content: 'hardware' },
			{ role: 'user', content: 'VPN down' },
		]);
	});

	test('preview fills defaults and keeps the rest', () => {
		const definition = readPromptFile(promptFile(['variables:', '  kind: tickets'], body));
		const messages = previewMessages(definition);
		assert.equal(messages[0].content, 'Label tickets.');
		assert.equal(messages.at(-1)?.content, '{{ticket}}');
		assert.equal(messages.length, 4);
	});

	test('compare arguments carry variants and defaults', () => {
		const definition = readPromptFile(
			promptFile(['model: openai:gpt-4o', 'variables:', '  kind: tickets', '  ticket:'], body),
		);
		const args = compareArguments(definition, undefined, 'file:///data.jsonl');
		assert.equal(args.variants?.length, 1);
		assert.deepEqual(args.input, { kind: 'tickets' });
		assert.equal(args.datasetUri, 'file:///data.jsonl');
	});
});
