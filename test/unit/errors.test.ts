import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';
import * as errors from '../../src/core/errors';

/** Bundles and loads a separate, minified copy of the errors module, as a second bundle in the extension host would. */
function loadSeparateCopy(): typeof errors {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-errors-')), 'errors.js');
	buildSync({ entryPoints: [path.join(__dirname, '../../src/core/errors.ts')], bundle: true, minify: true, format: 'cjs', platform: 'node', outfile: file });
	return require(file) as typeof errors;
}

test('instanceof works across bundle copies', () => {
	const copy = loadSeparateCopy();
	const cut = new copy.StreamCutError('closed early');
	assert.ok(cut instanceof errors.StreamCutError);
	assert.ok(cut instanceof errors.ProviderError);
	assert.ok(cut instanceof Error);
	assert.equal(cut instanceof errors.StreamStalledError, false);
	assert.equal(cut instanceof errors.CancelledError, false);
	assert.ok(new copy.CancelledError() instanceof errors.CancelledError);
	assert.equal(new copy.CancelledError() instanceof errors.ProviderError, false);
});

test('error names survive minification', () => {
	const copy = loadSeparateCopy();
	assert.equal(new copy.RateLimitError('slow down', 2_000).name, 'RateLimitError');
	assert.equal(new copy.RateLimitError('slow down', 2_000).retryAfterMs, 2_000);
	assert.equal(new copy.CancelledError().name, 'CancelledError');
});

test('subclass checks stay specific', () => {
	const base = new errors.ProviderError('generic');
	assert.equal(base instanceof errors.AuthError, false);
	assert.ok(new errors.ContextOverflowError('too long', 1_519, 1_024) instanceof errors.ProviderError);
	assert.equal({} instanceof errors.ProviderError, false);
	assert.equal((null as unknown as object) instanceof errors.ProviderError, false);
});
