import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FramingCalibration } from '../../src/core/budget/calibration';

test('framing defaults to OpenAI chat format', () => {
	const calibration = new FramingCalibration();
	assert.equal(calibration.framingFor('ollama:llama3.2:3b', 3), 12);
	assert.equal(calibration.isCalibrated('ollama:llama3.2:3b'), false);
});

test('framing learns from server counts', () => {
	const calibration = new FramingCalibration();
	// Llama 3's template: two messages of 10 text tokens each, and the server counted 32.
	calibration.record('ollama:llama3.2:3b', 2, 20, 32);
	assert.equal(calibration.framingFor('ollama:llama3.2:3b', 2), 12);
	assert.equal(calibration.framingFor('ollama:llama3.2:3b', 5), 30);
	calibration.record('ollama:llama3.2:3b', 4, 40, 56);
	assert.equal(calibration.framingFor('ollama:llama3.2:3b', 4), 20);
	assert.equal(calibration.isCalibrated('ollama:llama3.2:3b'), true);
	assert.equal(calibration.framingFor('openai:gpt-4o', 2), 9);
});

test('truncated prompts are not learned', () => {
	const calibration = new FramingCalibration();
	calibration.record('ollama:llama3.2:3b', 1, 9_000, 4_096);
	assert.equal(calibration.isCalibrated('ollama:llama3.2:3b'), false);
});

test('calibration survives a JSON round trip', () => {
	const calibration = new FramingCalibration();
	calibration.record('m', 2, 10, 20);
	const restored = FramingCalibration.fromJSON(JSON.parse(JSON.stringify(calibration)));
	assert.equal(restored.framingFor('m', 2), 10);
	assert.equal(FramingCalibration.fromJSON({ bad: { perMessage: 'x' } }).isCalibrated('bad'), false);
	assert.equal(FramingCalibration.fromJSON(null).isCalibrated('m'), false);
});
