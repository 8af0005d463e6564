import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseOfFineTuned, costOf, lookupModel } from '../../src/core/models/catalog';
import { isOfficialOpenAI, modelIdOf, parseModelId, profileModel } from '../../src/core/models/profile';

test('catalog matches dated snapshots to their family', () => {
	assert.equal(lookupModel('gpt-4o-mini-2024-07-18')?.entry.name, 'gpt-4o-mini');
	assert.equal(lookupModel('gpt-4o-2024-08-06')?.entry.name, 'gpt-4o');
	assert.equal(lookupModel('gpt-4-0613')?.entry.name, 'gpt-4');
	assert.equal(lookupModel('gpt-4.1-nano-2025-04-14')?.entry.name, 'gpt-4.1-nano');
});

test('catalog never matches a family across a name boundary', () => {
	assert.equal(lookupModel('gpt-4o')?.entry.tokenizer, 'o200k_base');
	assert.equal(lookupModel('gpt-4')?.entry.tokenizer, 'cl100k_base');
	assert.equal(lookupModel('gpt-4oops'), undefined);
	assert.equal(lookupModel('llama3.2:3b'), undefined);
});

test('catalog keeps the first GPT-4o snapshot apart', () => {
	const match = lookupModel('gpt-4o-2024-05-13');
	assert.equal(match?.entry.maxOutputTokens, 4_096);
	assert.equal(match?.price.inputPerMillion, 5);
});

test('fine-tuned names use the base model and fine-tuned prices', () => {
	assert.equal(baseOfFineTuned('ft:gpt-4o-mini-2024-07-18:acme::abc123'), 'gpt-4o-mini-2024-07-18');
	assert.equal(baseOfFineTuned('gpt-4o'), undefined);
	const match = lookupModel('ft:gpt-4o-mini-2024-07-18:acme::abc123');
	assert.equal(match?.entry.name, 'gpt-4o-mini');
	assert.equal(match?.fineTuned, true);
	assert.deepEqual(match?.price, { inputPerMillion: 0.3, outputPerMillion: 1.2 });
});

test('cost of a call in dollars', () => {
	const price = lookupModel('gpt-4o-mini')?.price;
	assert.equal(costOf(price, 1_000_000, 0), 0.15);
	assert.equal(costOf(price, 1_000, 500), (1_000 * 0.15 + 500 * 0.6) / 1_000_000);
	assert.equal(costOf(undefined, 10, 10), undefined);
});

test('model ids keep colons of Ollama tags', () => {
	assert.equal(modelIdOf('ollama', 'qwen3:4b'), 'ollama:qwen3:4b');
	assert.deepEqual(parseModelId('ollama:qwen3:4b'), { providerId: 'ollama', name: 'qwen3:4b' });
	assert.equal(parseModelId('nocolon'), undefined);
	assert.equal(parseModelId(':x'), undefined);
});

test('profile takes the catalog window on OpenAI', () => {
	const profile = profileModel(
		{ id: 'openai:gpt-4o', providerId: 'openai', name: 'gpt-4o', contextWindowSource: 'unknown', chat: true },
		'openai',
		{},
		true,
	);
	assert.equal(profile.contextWindow, 128_000);
	assert.equal(profile.windowSource, 'catalog');
	assert.equal(profile.encoding, 'o200k_base');
	assert.equal(profile.exactTokenizer, true);
	assert.equal(profile.price?.outputPerMillion, 10);
});

test('profile keeps a local server window and marks estimates', () => {
	const profile = profileModel(
		{ id: 'ollama:qwen3:4b', providerId: 'ollama', name: 'qwen3:4b', contextWindow: 16_384, contextWindowSource: 'running server', chat: true },
		'ollama',
	);
	assert.equal(profile.contextWindow, 16_384);
	assert.equal(profile.windowSource, 'running server');
	assert.equal(profile.exactTokenizer, false);
	assert.equal(profile.price, undefined);
});

test('profile window setting overrides the server', () => {
	const profile = profileModel(
		{ id: 'ollama:qwen3:4b', providerId: 'ollama', name: 'qwen3:4b', contextWindow: 16_384, contextWindowSource: 'running server', chat: true },
		'ollama',
		{ 'ollama:qwen3:4b': 32_768 },
	);
	assert.equal(profile.contextWindow, 32_768);
	assert.equal(profile.windowSource, 'setting');
});

test('official OpenAI host is recognised', () => {
	assert.equal(isOfficialOpenAI('https://api.openai.com/v1'), true);
	assert.equal(isOfficialOpenAI('http://127.0.0.1:1234/v1'), false);
	assert.equal(isOfficialOpenAI('not a url'), false);
});
