import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createInProcessTokenCountService } from '../../src/core/tokens/inProcess';
import { TokenCountError } from '../../src/core/tokens/service';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { CORPUS } from '../fixtures/gguf-corpus';
import { findLlamaCppSource, listVocabFiles, REFERENCE_FILE, type ReferenceFile } from '../fixtures/llama-reference';

const source = findLlamaCppSource();

test('prepared Ollama tokenizer counts like llama.cpp', { skip: !source && 'the llama.cpp source is not installed' }, async () => {
	const vocabFile = listVocabFiles(source!).get('llama-bpe')!;
	const reference = (await import(REFERENCE_FILE)) as ReferenceFile;
	const server = await startFakeOllama({
		models: [{ name: 'llama3.2:3b', family: 'llama', contextLength: 131_072, ggufFile: vocabFile }],
	});
	const cacheDir = await mkdtemp(path.join(tmpdir(), 'llm-lab-prepare-'));
	const service = createInProcessTokenCountService({ tokenizerCacheDir: cacheDir });
	try {
		const first = await service.prepareOllamaTokenizer(server.baseUrl, 'llama3.2:3b');
		assert.equal(first.source, 'server');
		assert.match(first.key, /^gguf:/);

		for (const name of ['English prose', 'Chinese', 'emoji']) {
			const corpusCase = CORPUS.find((entry) => entry.name.startsWith(name));
			assert.ok(corpusCase, `no corpus case ${name}`);
			const expected = reference.vocabs['llama-bpe'].cases[corpusCase.name].text[0];
			assert.equal(await service.count(corpusCase.text, first.key), expected, corpusCase.name);
		}

		// A second start takes the vocabulary from the cache instead of the server.
		const shows = () => server.requests.filter((request) => request.path === '/api/show').length;
		const showsBefore = shows();
		const again = createInProcessTokenCountService({ tokenizerCacheDir: cacheDir });
		const second = await again.prepareOllamaTokenizer(server.baseUrl, 'llama3.2:3b');
		await again.dispose();
		assert.equal(second.source, 'cache');
		assert.equal(second.key, first.key);
		assert.equal(shows(), showsBefore);
		assert.equal((await readdir(cacheDir)).length, 1);
	} finally {
		await service.dispose();
		await server.stop();
	}
});

test('unknown Ollama model rejects with the error name', async () => {
	const server = await startFakeOllama();
	const service = createInProcessTokenCountService({ tokenizerCacheDir: await mkdtemp(path.join(tmpdir(), 'llm-lab-prepare-')) });
	try {
		await assert.rejects(service.prepareOllamaTokenizer(server.baseUrl, 'missing:1b'), (error: unknown) => {
			assert.ok(error instanceof TokenCountError);
			assert.equal(error.errorName, 'ModelNotFoundError');
			return true;
		});
	} finally {
		await service.dispose();
		await server.stop();
	}
});
