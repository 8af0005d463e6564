import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { buildGgufTokenizer, GgufTokenizerCache } from '../../src/core/tokens/gguf';
import { createInProcessTokenCountService } from '../../src/core/tokens/inProcess';
import { countTokens } from '../../src/core/tokens';
import { TokenCountError, TokenCountService } from '../../src/core/tokens/service';
import { sentencePieceMetadata } from '../fixtures/gguf-small-vocab';

const DIGEST = 'cd'.repeat(32);
const KEY = `gguf:${DIGEST}` as const;
const TEXT = 'ab c <s> ab\nabc 😀';

describe('token-count service with GGUF keys', () => {
	const tokenizer = buildGgufTokenizer(sentencePieceMetadata());
	let directory: string;
	let workerScript: string;

	before(async () => {
		directory = await mkdtemp(path.join(tmpdir(), 'llm-lab-gguf-worker-'));
		await new GgufTokenizerCache(directory).save(DIGEST, tokenizer);
		// Bundle the worker as esbuild.js does, so the test runs the real worker entry.
		workerScript = path.join(directory, 'token-worker.js');
		await build({
			entryPoints: [path.join(__dirname, '../../src/core/tokens/worker.ts')],
			outfile: workerScript,
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node20',
			logLevel: 'warning',
		});
	});

	after(async () => {
		await rm(directory, { recursive: true, force: true });
	});

	test('text count uses the cached tokenizer', async () => {
		const service = createInProcessTokenCountService({ tokenizerCacheDir: directory });
		try {
			assert.equal(await service.count(TEXT, KEY), tokenizer.count(TEXT));
		} finally {
			await service.dispose();
		}
	});

	test('document count follows edits', async () => {
		const service = createInProcessTokenCountService({ tokenizerCacheDir: directory });
		try {
			const opened = await service.open('doc', TEXT, KEY, 1);
			assert.equal(opened?.tokens, tokenizer.count(TEXT));
			assert.equal(opened?.encoding, KEY);
			const edits = [
				{ offset: 0, deletedLength: 2, insertedText: 'cab ' },
				{ offset: 5, deletedLength: 0, insertedText: '<|user|>' },
			];
			let expectedText = TEXT;
			for (const edit of edits) {
				expectedText = expectedText.slice(0, edit.offset) + edit.insertedText + expectedText.slice(edit.offset + edit.deletedLength);
			}
			const edited = await service.edit('doc', 2, edits);
			assert.equal(edited?.tokens, tokenizer.count(expectedText));
			assert.equal(edited?.version, 2);
		} finally {
			await service.dispose();
		}
	});

	test('OpenAI encodings still count', async () => {
		const service = createInProcessTokenCountService({ tokenizerCacheDir: directory });
		try {
			assert.equal(await service.count(TEXT, 'o200k_base'), countTokens(TEXT, 'o200k_base'));
		} finally {
			await service.dispose();
		}
	});

	test('missing digest rejects the count', async () => {
		const service = createInProcessTokenCountService({ tokenizerCacheDir: directory });
		try {
			await assert.rejects(service.count(TEXT, `gguf:${'ef'.repeat(32)}`), TokenCountError);
		} finally {
			await service.dispose();
		}
	});

	test('host without a cache folder rejects GGUF keys', async () => {
		const service = createInProcessTokenCountService();
		try {
			await assert.rejects(service.count(TEXT, KEY), TokenCountError);
		} finally {
			await service.dispose();
		}
	});

	test('worker thread loads the tokenizer from the cache', async () => {
		const service = TokenCountService.inWorker(workerScript, { tokenizerCacheDir: directory });
		try {
			assert.equal(await service.count(TEXT, KEY), tokenizer.count(TEXT));
			const opened = await service.open('doc', TEXT, KEY);
			assert.equal(opened?.tokens, tokenizer.count(TEXT));
		} finally {
			await service.dispose();
		}
	});
});
