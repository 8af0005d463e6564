import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancelledError, ModelNotFoundError } from '../../src/core/errors';
import {
	buildGgufTokenizer,
	fetchOllamaTokenizer,
	GgufTokenizerCache,
	InvalidTokenizerMetadataError,
	normalizeDigest,
	UnsupportedTokenizerError,
} from '../../src/core/tokens/gguf';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { sentencePieceMetadata } from '../fixtures/gguf-small-vocab';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('buildGgufTokenizer', () => {
	const tokenizer = buildGgufTokenizer(sentencePieceMetadata());
	const idOf = (text: string) => tokenizer.spec.tokens.indexOf(text);

	test('special-token strings count as text', () => {
		const ids = tokenizer.encode('<s>');
		assert.ok(!ids.includes(1), `ids ${ids} contain BOS`);
		assert.equal(tokenizer.decode(ids), '<s>');
	});

	test('parseSpecial matches control tokens', () => {
		assert.deepEqual(tokenizer.encode('<s>', { parseSpecial: true }), [1]);
	});

	test('user-defined tokens match without parseSpecial', () => {
		assert.deepEqual(tokenizer.encode('<|user|>'), [3]);
	});

	test('space prefix follows a special token', () => {
		assert.deepEqual(tokenizer.encode('<|user|>ab'), [3, idOf('▁ab')]);
		assert.deepEqual(tokenizer.encode('ab'), [idOf('▁ab')]);
	});

	test('BOS only with addSpecial', () => {
		assert.equal(tokenizer.encode('a')[0], idOf('▁a'));
		assert.deepEqual(tokenizer.encode('a', { addSpecial: true }), [1, idOf('▁a')]);
		assert.deepEqual(tokenizer.bosToken, { id: 1, text: '<s>', prepended: true });
	});

	test('count equals encode length', () => {
		assert.equal(tokenizer.count('ab c 😀'), tokenizer.encode('ab c 😀').length);
	});

	test('unknown characters fall back to bytes', () => {
		const ids = tokenizer.encode('é');
		assert.deepEqual(ids, [idOf('▁'), idOf('<0xC3>'), idOf('<0xA9>')]);
	});

	test('decode returns the encoded text', () => {
		for (const text of ['ab c\n😀 <s>', ' leading space', '']) {
			assert.equal(tokenizer.decode(tokenizer.encode(text)), text, JSON.stringify(text));
		}
	});

	test('decode rejects ids outside the vocabulary', () => {
		assert.throws(() => tokenizer.decode([100_000]), RangeError);
	});

	test('exact flag is true', () => {
		assert.equal(tokenizer.exact, true);
	});

	test('unknown tokenizer model raises UnsupportedTokenizerError', () => {
		const metadata = { ...sentencePieceMetadata(), 'tokenizer.ggml.model': 'bert' };
		assert.throws(
			() => buildGgufTokenizer(metadata),
			(error: unknown) => error instanceof UnsupportedTokenizerError && error.feature === 'model' && error.value === 'bert',
		);
	});

	test('unknown pre-tokenizer raises UnsupportedTokenizerError', () => {
		for (const pre of ['no-such-pre', 'kimi-k2']) {
			const metadata = { ...sentencePieceMetadata(), 'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.pre': pre, 'tokenizer.ggml.merges': [] };
			assert.throws(
				() => buildGgufTokenizer(metadata),
				(error: unknown) => error instanceof UnsupportedTokenizerError && error.feature === 'pre-tokenizer',
				pre,
			);
		}
	});

	test('metadata without a vocabulary raises InvalidTokenizerMetadataError', () => {
		const metadata = { ...sentencePieceMetadata(), 'tokenizer.ggml.tokens': [] };
		assert.throws(() => buildGgufTokenizer(metadata), InvalidTokenizerMetadataError);
	});

	test('BPE vocabulary without merges raises InvalidTokenizerMetadataError', () => {
		const metadata = { ...sentencePieceMetadata(), 'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.pre': 'gpt-2' };
		assert.throws(() => buildGgufTokenizer(metadata), InvalidTokenizerMetadataError);
	});
});

describe('GgufTokenizerCache', () => {
	let directory: string;
	const tokenizer = buildGgufTokenizer(sentencePieceMetadata());

	before(async () => {
		directory = await mkdtemp(path.join(tmpdir(), 'llm-lab-gguf-cache-'));
	});

	after(async () => {
		await rm(directory, { recursive: true, force: true });
	});

	test('missing digest loads undefined', async () => {
		assert.equal(await new GgufTokenizerCache(directory).load(`${'cd'.repeat(32)}`), undefined);
	});

	test('saved tokenizer loads with the same ids', async () => {
		const cache = new GgufTokenizerCache(directory);
		await cache.save(DIGEST, tokenizer);
		const loaded = await cache.load(DIGEST);
		assert.ok(loaded);
		assert.deepEqual(loaded.encode('ab <s> c'), tokenizer.encode('ab <s> c'));
		assert.deepEqual(loaded.bosToken, tokenizer.bosToken);
	});

	test('digest forms share one entry', () => {
		const cache = new GgufTokenizerCache(directory);
		assert.equal(cache.pathFor(DIGEST), cache.pathFor('ab'.repeat(32)));
		assert.equal(cache.pathFor(DIGEST), cache.pathFor(`sha256-${'AB'.repeat(32)}`));
	});

	test('file of another spec version is dropped', async () => {
		const cache = new GgufTokenizerCache(directory);
		await cache.save(DIGEST, tokenizer);
		const file = cache.pathFor(DIGEST);
		const stored = JSON.parse(await readFile(file, 'utf8'));
		await writeFile(file, JSON.stringify({ ...stored, version: stored.version + 1 }));
		assert.equal(await cache.load(DIGEST), undefined);
		await assert.rejects(readFile(file), { code: 'ENOENT' });
	});

	test('invalid digest throws TypeError', () => {
		assert.throws(() => normalizeDigest('../../etc/passwd'), TypeError);
	});
});

describe('fetchOllamaTokenizer errors', () => {
	let server: Awaited<ReturnType<typeof startFakeOllama>>;

	before(async () => {
		server = await startFakeOllama();
	});

	after(async () => {
		await server?.stop();
	});

	test('unlisted model raises ModelNotFoundError', async () => {
		await assert.rejects(fetchOllamaTokenizer(server.baseUrl, 'missing:7b'), ModelNotFoundError);
	});

	test('empty vocabulary raises InvalidTokenizerMetadataError', async () => {
		// The default fake models return /api/show without a vocabulary, as Ollama does without "verbose".
		await assert.rejects(fetchOllamaTokenizer(server.baseUrl, 'qwen3:4b'), InvalidTokenizerMetadataError);
	});

	test('aborted signal raises CancelledError', async () => {
		const controller = new AbortController();
		controller.abort();
		await assert.rejects(fetchOllamaTokenizer(server.baseUrl, 'qwen3:4b', { signal: controller.signal }), CancelledError);
	});
});
