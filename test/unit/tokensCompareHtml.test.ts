import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderComparisonHtml, type TokenizerComparison } from '../../src/vscode/tokens/compareHtml';

const comparison: TokenizerComparison = {
	source: 'Selection in <img src=x onerror=alert(1)>.md',
	characters: 1200,
	counts: [
		{ encoding: 'o200k_base', label: 'o200k_base', tokens: 300, models: ['gpt-4o', 'gpt-4o-mini', 'gpt-5', 'o3'] },
		{ encoding: 'cl100k_base', label: 'cl100k_base', tokens: 320, models: ['gpt-4'] },
		{ encoding: 'gguf:4f2a', label: 'llama3.2:3b <vocabulary>', tokens: 290, models: ['llama3.2:3b'] },
	],
	costs: [{ model: '"><script>alert(2)</script>', encoding: 'o200k_base', tokens: 300, inputPerMillion: 2.5, cost: 0.00075 }],
	selectedEncoding: 'o200k_base',
};

describe('renderComparisonHtml', () => {
	const html = renderComparisonHtml(comparison, 'nonce123');

	test('allows nothing but the nonced style', () => {
		const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
		assert.equal(csp, "default-src &#39;none&#39;; style-src &#39;nonce-nonce123&#39;");
		assert.match(html, /<style nonce="nonce123">/);
	});

	test('contains no script element', () => {
		assert.equal(/<script/i.test(html), false);
	});

	test('escapes the source and model names', () => {
		assert.match(html, /Selection in &lt;img src=x onerror=alert\(1\)&gt;\.md/);
		assert.match(html, /&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
	});

	test('shows each count and characters per token', () => {
		assert.match(html, /<td><code>o200k_base<\/code><\/td><td class="number">300<\/td><td class="number">4\.00<\/td>/);
		assert.match(html, /<td><code>cl100k_base<\/code><\/td><td class="number">320<\/td><td class="number">3\.75<\/td>/);
	});

	test('shows a local vocabulary by its label', () => {
		assert.match(html, /<td><code>llama3\.2:3b &lt;vocabulary&gt;<\/code><\/td><td class="number">290<\/td>/);
	});

	test('names local models that are left out', () => {
		const withUnavailable = renderComparisonHtml({ ...comparison, unavailableModels: ['qwen3:4b'] }, 'n');
		assert.match(withUnavailable, /cannot be tokenized exactly: qwen3:4b\./);
		assert.equal(html.includes('cannot be tokenized exactly'), false);
	});

	test('names three models and counts the rest', () => {
		assert.match(html, />gpt-4o, gpt-4o-mini, gpt-5 and 1 more</);
	});

	test('says when costs are hidden', () => {
		const hidden = renderComparisonHtml({ ...comparison, costs: undefined }, 'n');
		assert.match(hidden, /llmLab\.showCost setting is off/);
		assert.equal(hidden.includes('id="costs"'), false);
	});
});
