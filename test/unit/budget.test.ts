import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeBudget, countMessagesToTrim } from '../../src/core/budget/budget';
import { chatFramingTokens } from '../../src/core/budget/framing';
import { formatShare, formatWindow } from '../../src/core/format';

const parts = { systemTokens: 100, historyTokens: 1_000, inputTokens: 50, framingTokens: 12, reservedTokens: 1_024 };

test('budget sums prompt and reserved reply', () => {
	const budget = computeBudget(parts, 128_000);
	assert.equal(budget.promptTokens, 1_162);
	assert.equal(budget.totalTokens, 2_186);
	assert.equal(budget.remainingTokens, 128_000 - 2_186);
	assert.equal(budget.level, 'ok');
});

test('budget warns near the window and flags overflow', () => {
	assert.equal(computeBudget(parts, 2_500).level, 'warning');
	assert.equal(computeBudget(parts, 2_186).level, 'warning');
	assert.equal(computeBudget(parts, 2_185).level, 'over');
});

test('budget without a window is never over', () => {
	const budget = computeBudget(parts, undefined);
	assert.equal(budget.level, 'ok');
	assert.equal(budget.remainingTokens, undefined);
});

test('raw text one token under the window still overflows', () => {
	// Three messages whose text totals one token under gpt-4o's window: framing and the reserved reply push it over.
	const window = 128_000;
	const budget = computeBudget(
		{
			systemTokens: 0,
			historyTokens: 60_000,
			inputTokens: window - 1 - 60_000,
			framingTokens: chatFramingTokens(3),
			reservedTokens: 16_384,
		},
		window,
	);
	assert.equal(chatFramingTokens(3), 12);
	assert.equal(budget.level, 'over');
	assert.equal(budget.remainingTokens, 1 - 12 - 16_384);
});

test('trim drops the fewest oldest messages', () => {
	const budget = computeBudget({ ...parts, historyTokens: 900 }, 2_000);
	assert.equal(budget.remainingTokens, -86);
	assert.equal(countMessagesToTrim(budget, [50, 50, 800]), 2);
	assert.equal(countMessagesToTrim(budget, [100, 800]), 1);
	assert.equal(countMessagesToTrim(budget, [10, 10]), undefined);
	assert.equal(countMessagesToTrim(computeBudget(parts, 128_000), [1_000]), 0);
});

test('window and share formats', () => {
	assert.equal(formatWindow(128_000), '128k');
	assert.equal(formatWindow(131_072), '128k');
	assert.equal(formatWindow(1_047_576), '1M');
	assert.equal(formatWindow(4_096), '4,096');
	assert.equal(formatShare(1_284, 128_000), '1%');
	assert.equal(formatShare(64_000, 128_000), '50%');
	assert.equal(formatShare(10, 128_000), '<0.1%');
	assert.equal(formatShare(956_704, 2_048), '467.1×');
});
