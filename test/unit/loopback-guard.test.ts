import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error: a plain JavaScript module without type declarations.
import { isLoopback } from '../fixtures/loopback-only.mjs';

test('loopback guard accepts only loopback hosts', () => {
	assert.equal(isLoopback('127.0.0.1'), true);
	assert.equal(isLoopback('127.3.2.1'), true);
	assert.equal(isLoopback('localhost'), true);
	assert.equal(isLoopback('::1'), true);
	assert.equal(isLoopback('api.openai.com'), false);
	assert.equal(isLoopback('10.0.0.1'), false);
	assert.equal(isLoopback('127.0.0.1.example.com'), false);
});

test('loopback guard blocks fetch to the internet', async () => {
	// Runs under the test preload, so this request must fail before any packet leaves the machine.
	await assert.rejects(fetch('https://api.openai.com/v1/models', { signal: AbortSignal.timeout(5_000) }), (error: Error) => {
		const cause = (error as { cause?: Error }).cause;
		assert.match(String(cause?.message ?? error.message), /blocked a connection to api\.openai\.com/);
		return true;
	});
});
