import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRequest, trimPlan, type RequestPlanInput } from '../../src/core/chat/requestPlan';
import type { ModelProfile } from '../../src/core/models/profile';

const ollamaProfile: ModelProfile = {
	id: 'ollama:llama3.2:3b',
	providerId: 'ollama',
	providerKind: 'ollama',
	name: 'llama3.2:3b',
	contextWindow: 4_096,
	windowSource: 'running server',
	trainedContextWindow: 131_072,
	encoding: 'o200k_base',
	tokenizer: 'o200k_base',
	tokenizerLabel: 'o200k_base',
	exactTokenizer: false,
	fineTuned: false,
};

/** One token per word, so the figures are easy to follow. */
const countWords = async (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);

function input(overrides: Partial<RequestPlanInput>): RequestPlanInput {
	return { profile: ollamaProfile, history: [], input: 'hi', reservedTokens: 512, count: countWords, ...overrides };
}

test('plan fits and lists the messages in order', async () => {
	const plan = await planRequest(
		input({ systemPrompt: 'be brief', history: [{ role: 'user', content: 'a b' }, { role: 'assistant', content: 'c' }] }),
	);
	assert.deepEqual(
		plan.messages.map((message) => message.role),
		['system', 'user', 'assistant', 'user'],
	);
	assert.equal(plan.budget.promptTokens, 2 + 3 + 1 + 3 * 4 + 3);
	assert.equal(plan.budget.level, 'ok');
	assert.equal(plan.trimCount, undefined);
});

test('long input offers a raised num_ctx only', async () => {
	const plan = await planRequest(input({ input: 'word '.repeat(9_000) }));
	assert.equal(plan.budget.level, 'over');
	assert.equal(plan.trimCount, undefined);
	assert.equal(plan.raiseNumCtxTo, 10_240);
});

test('long history can be trimmed', async () => {
	const history = [
		{ role: 'user' as const, content: 'old '.repeat(3_500) },
		{ role: 'assistant' as const, content: 'reply '.repeat(500) },
	];
	const request = input({ history, input: 'new question' });
	const plan = await planRequest(request);
	assert.equal(plan.budget.level, 'over');
	// Dropping the old question alone would fit, but then the history would open with its reply, so both go.
	assert.equal(plan.trimCount, 2);
	const trimmed = trimPlan(plan, request, 2);
	assert.equal(trimmed.budget.level, 'ok');
	assert.equal(trimmed.messages.length, 1);
	assert.equal(trimmed.messages[0].content, 'new question');
});

test('OpenAI models are never offered num_ctx', async () => {
	const plan = await planRequest(
		input({ profile: { ...ollamaProfile, providerKind: 'openai', contextWindow: 8_192 }, input: 'word '.repeat(9_000) }),
	);
	assert.equal(plan.budget.level, 'over');
	assert.equal(plan.raiseNumCtxTo, undefined);
});

test('trimming keeps whole turns', async () => {
	const history = [
		{ role: 'user' as const, content: 'old '.repeat(1_000) },
		{ role: 'assistant' as const, content: 'ok' },
		{ role: 'user' as const, content: 'again '.repeat(1_000) },
		{ role: 'assistant' as const, content: 'ok' },
	];
	const request = input({ history, input: 'hi', profile: { ...ollamaProfile, contextWindow: 2_000 } });
	const plan = await planRequest(request);
	assert.equal(plan.budget.level, 'over');
	// Dropping the first user message alone would fit, but the kept history would open with the assistant.
	assert.equal(plan.trimCount, 2);
	const trimmed = trimPlan(plan, request, plan.trimCount!);
	assert.equal(trimmed.messages[0].role, 'user');
});
