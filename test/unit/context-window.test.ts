import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OLLAMA_DEFAULT_NUM_CTX, raisedNumCtx, resolveOllamaWindow } from '../../src/core/models/window';

test('running server window beats metadata', () => {
	// qwen3 reports a 262,144-token trained length, but the loaded model runs with 16,384.
	const resolved = resolveOllamaWindow({ runningServer: 16_384, modelMetadata: 262_144 });
	assert.equal(resolved.contextWindow, 16_384);
	assert.equal(resolved.source, 'running server');
});

test('request num_ctx beats everything', () => {
	const resolved = resolveOllamaWindow({ runningServer: 16_384, modelParameters: 8_192 }, { requestNumCtx: 32_768 });
	assert.equal(resolved.contextWindow, 32_768);
	assert.equal(resolved.source, 'request options');
});

test('Modelfile num_ctx beats the loaded window', () => {
	const resolved = resolveOllamaWindow({ runningServer: 4_096, modelParameters: 8_192 });
	assert.equal(resolved.contextWindow, 8_192);
	assert.equal(resolved.source, 'model parameters');
});

test('unloaded model runs with the server default', () => {
	const resolved = resolveOllamaWindow({ modelMetadata: 131_072 });
	assert.equal(resolved.contextWindow, OLLAMA_DEFAULT_NUM_CTX);
	assert.equal(resolved.source, 'server default');
	assert.equal(resolveOllamaWindow({ modelMetadata: 2_048 }).contextWindow, 2_048);
	assert.equal(resolveOllamaWindow({}, { serverDefault: 8_192 }).contextWindow, 8_192);
});

test('raised num_ctx fits the prompt within the trained length', () => {
	assert.equal(raisedNumCtx(9_000, 131_072), 9_216);
	assert.equal(raisedNumCtx(9_216, 131_072), 9_216);
	assert.equal(raisedNumCtx(130_500, 130_600), 130_600);
	assert.equal(raisedNumCtx(140_000, 131_072), undefined);
	assert.equal(raisedNumCtx(5_000, undefined), 5_120);
});
