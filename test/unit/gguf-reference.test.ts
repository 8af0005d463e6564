import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PRE_TOKENIZER_NAMES, PRE_TOKENIZER_TYPES, UNSUPPORTED_PRE_TOKENIZER_TYPES } from '../../src/core/tokens/gguf/preTokenizers';
import {
	buildGgufTokenizer,
	fetchOllamaTokenizer,
	type GgufTokenizer,
	UnsupportedTokenizerError,
} from '../../src/core/tokens/gguf';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { CORPUS, hashIds, RANDOM_STRING_COUNT, randomStrings } from '../fixtures/gguf-corpus';
import { readGgufMetadata } from '../fixtures/gguf-file';
import {
	computeVocabReference,
	describeStaleReference,
	findLlamaCppSource,
	hashFile,
	listVocabFiles,
	loadLlamaReference,
	readReferenceFile,
	type VocabReference,
} from '../fixtures/llama-reference';
import { readLlamaVocabTables } from '../fixtures/llama-vocab-source';

const source = findLlamaCppSource();
const skip = source ? false : 'the llama.cpp source tree is missing: run `bash test/setup/install-llama-server.sh`';

/** Vocabularies that must be exact: the tokenizer families local models use most. */
const REQUIRED_VOCABS = ['llama-spm', 'llama-bpe', 'qwen2', 'phi-3', 'gpt-2', 'deepseek-coder', 'falcon', 'starcoder'];

/** Checks a tokenizer against llama.cpp's counts and id hashes for one vocabulary. */
function assertMatchesReference(tokenizer: GgufTokenizer, reference: VocabReference, vocab: string): void {
	for (const { name, text } of CORPUS) {
		const expected = reference.cases[name];
		const plain = tokenizer.encode(text);
		const special = tokenizer.encode(text, { parseSpecial: true });
		assert.equal(plain.length, expected.text[0], `${vocab}, ${name}: count with special tokens as text`);
		assert.equal(hashIds(plain), expected.text[1], `${vocab}, ${name}: ids with special tokens as text`);
		assert.equal(special.length, expected.special[0], `${vocab}, ${name}: count with special tokens parsed`);
		assert.equal(hashIds(special), expected.special[1], `${vocab}, ${name}: ids with special tokens parsed`);
	}
	const all: number[] = [];
	randomStrings(RANDOM_STRING_COUNT).forEach((text, index) => {
		const ids = tokenizer.encode(text);
		assert.equal(ids.length, reference.random.counts[index], `${vocab}: count of random string ${JSON.stringify(text)}`);
		all.push(...ids);
	});
	assert.equal(hashIds(all), reference.random.hash, `${vocab}: ids of the random strings`);
	assert.equal(tokenizer.bosToken?.prepended ?? false, reference.bosPrepended, `${vocab}: BOS before a prompt`);
}

describe('GGUF tokenizers against llama.cpp', { skip }, () => {
	const vocabFiles = source ? listVocabFiles(source) : new Map<string, string>();
	const reference = readReferenceFile();

	test('reference file matches the vocab files', () => {
		assert.equal(describeStaleReference(reference, source!), undefined);
		for (const [vocab, entry] of Object.entries(reference.vocabs)) {
			const file = vocabFiles.get(vocab);
			assert.ok(file, `${vocab}: vocab file missing`);
			assert.equal(hashFile(file), entry.fileHash, `${vocab}: vocab file changed since gguf-reference.json was made`);
		}
	});

	test('reference covers every required vocabulary', () => {
		for (const vocab of REQUIRED_VOCABS) {
			assert.ok(reference.vocabs[vocab], `${vocab} is not in gguf-reference.json`);
		}
	});

	for (const vocab of Object.keys(reference.vocabs)) {
		test(`${vocab} ids equal llama.cpp's`, async () => {
			const tokenizer = buildGgufTokenizer(await readGgufMetadata(vocabFiles.get(vocab)!));
			assertMatchesReference(tokenizer, reference.vocabs[vocab], vocab);
		});
	}

	test('other tokenizer models raise UnsupportedTokenizerError', async () => {
		for (const vocab of ['bert-bge', 'nomic-bert-moe']) {
			const metadata = await readGgufMetadata(vocabFiles.get(vocab)!);
			assert.throws(() => buildGgufTokenizer(metadata), UnsupportedTokenizerError, vocab);
		}
	});

	test('pre-tokenizer table matches llama-vocab.cpp', () => {
		const tables = readLlamaVocabTables(source!.directory);
		for (const [type, expected] of tables.types) {
			if (UNSUPPORTED_PRE_TOKENIZER_TYPES.has(type)) {
				assert.equal(PRE_TOKENIZER_TYPES[type], undefined, `${type} is unsupported but has regexes`);
				continue;
			}
			const actual = PRE_TOKENIZER_TYPES[type];
			assert.ok(actual, `pre-tokenizer type ${type} is missing`);
			assert.deepEqual(actual.regexes, expected.regexes, `${type}: regexes`);
			assert.equal(actual.byteLevel, expected.byteEncode, `${type}: byte-level mapping`);
		}
		for (const [name, expected] of tables.names) {
			const actual = PRE_TOKENIZER_NAMES[name];
			assert.ok(actual, `pre-tokenizer name '${name}' is missing`);
			assert.equal(actual.type, expected.type, `${name}: type`);
			assert.equal(actual.ignoreMerges === true, expected.settings.includes('ignore_merges=true'), `${name}: ignore_merges`);
			assert.equal(actual.addBos === true, expected.settings.includes('add_bos=true'), `${name}: add_bos`);
			const escapes = expected.settings.includes('escape_whitespaces=true');
			assert.equal(actual.escapeWhitespace === true, escapes, `${name}: escape_whitespaces`);
			const noBos = expected.settings.includes('special_bos_id=LLAMA_TOKEN_NULL');
			assert.equal(actual.noBos === true, noBos, `${name}: no BOS`);
		}
		assert.equal(Object.keys(PRE_TOKENIZER_NAMES).length, tables.names.size, 'number of pre-tokenizer names');
	});

	test('node-llama-cpp still gives the reference counts', async (t) => {
		const llama = await loadLlamaReference();
		if (!llama) {
			t.skip('node-llama-cpp is not installed: run `node --import tsx test/fixtures/llama-reference.ts install`');
			return;
		}
		try {
			// Two small vocabularies keep this check near 2 seconds; the reference file covers the rest.
			for (const vocab of ['llama-spm', 'phi-3']) {
				const live = await computeVocabReference(llama, vocabFiles.get(vocab)!);
				assert.deepEqual(live, reference.vocabs[vocab], vocab);
			}
		} finally {
			await llama.dispose();
		}
	});
});

describe('Ollama tokenizer from a fake server', { skip }, () => {
	// SentencePiece, byte-level BPE, and Phi-3, whose whitespace rule Ollama's missing general.name must not lose.
	const vocabs = ['llama-spm', 'llama-bpe', 'phi-3'];
	let server: Awaited<ReturnType<typeof startFakeOllama>>;
	let cacheDir: string;

	before(async () => {
		const vocabFiles = listVocabFiles(source!);
		server = await startFakeOllama({
			models: vocabs.map((vocab) => ({
				name: `${vocab}:test`,
				family: vocab,
				contextLength: 4096,
				ggufFile: vocabFiles.get(vocab),
			})),
		});
		cacheDir = await mkdtemp(path.join(tmpdir(), 'llm-lab-gguf-cache-'));
	});

	after(async () => {
		await server?.stop();
		await rm(cacheDir, { recursive: true, force: true });
	});

	for (const vocab of vocabs) {
		test(`${vocab} counts equal llama.cpp's, then come from the cache`, async () => {
			const reference = readReferenceFile().vocabs[vocab];
			const first = await fetchOllamaTokenizer(server.baseUrl, `${vocab}:test`, { cacheDir });
			assert.equal(first.source, 'server');
			assertMatchesReference(first.tokenizer, reference, vocab);

			const showRequests = server.requests.filter((request) => request.path === '/api/show').length;
			const second = await fetchOllamaTokenizer(server.baseUrl, `${vocab}:test`, { cacheDir });
			assert.equal(second.source, 'cache');
			assert.equal(second.digest, first.digest);
			assert.equal(server.requests.filter((request) => request.path === '/api/show').length, showRequests);
			assertMatchesReference(second.tokenizer, reference, vocab);
		});
	}

	test('show request asks for the verbose vocabulary', () => {
		const show = server.requests.find((request) => request.path === '/api/show');
		assert.deepEqual(show?.body, { model: 'llama-spm:test', verbose: true });
	});
});
