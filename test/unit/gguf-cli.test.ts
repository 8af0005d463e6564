import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { CORPUS } from '../fixtures/gguf-corpus';
import { findLlamaCppSource, listVocabFiles, readReferenceFile } from '../fixtures/llama-reference';

const source = findLlamaCppSource();
const skip = source ? false : 'the llama.cpp source tree is missing: run `bash test/setup/install-llama-server.sh`';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** Runs `llm-lab` in a child process that may only connect to loopback, and returns its exit status and output. */
function runCli(args: string[], cacheDirectory: string): Promise<{ status: number; output: string }> {
	const nodeArgs = ['--import', 'tsx', '--import', './test/fixtures/loopback-only.mjs', 'src/cli/main.ts', ...args];
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			nodeArgs,
			{ cwd: repositoryRoot, env: { ...process.env, LLM_LAB_CACHE: cacheDirectory } },
			(error, stdout) => resolve({ status: error ? Number(error.code ?? 1) : 0, output: stdout }),
		);
	});
}

describe('llm-lab tokens for Ollama models', { skip }, () => {
	const prose = CORPUS.find((entry) => entry.name === 'English prose')!.text;
	let server: Awaited<ReturnType<typeof startFakeOllama>>;
	let directory: string;
	let file: string;

	before(async () => {
		server = await startFakeOllama({
			models: [
				{
					name: 'llama-bpe:test',
					family: 'llama',
					contextLength: 8192,
					numCtx: 4096,
					ggufFile: listVocabFiles(source!).get('llama-bpe'),
				},
				{ name: 'no-vocab:test', family: 'bert', contextLength: 512 },
			],
		});
		directory = await mkdtemp(path.join(tmpdir(), 'llm-lab-tokens-cli-'));
		file = path.join(directory, 'prose.txt');
		await writeFile(file, prose);
	});

	after(async () => {
		await server?.stop();
		await rm(directory, { recursive: true, force: true });
	});

	test('counts exactly with the model vocabulary', async () => {
		const args = ['tokens', '--model', 'ollama:llama-bpe:test', '--ollama-host', server.baseUrl, '--json', file];
		const { status, output } = await runCli(args, directory);
		const result = JSON.parse(output);
		assert.equal(status, 0);
		assert.equal(result.model, 'ollama:llama-bpe:test');
		assert.equal(result.tokenizer, 'gguf:gpt2/llama-bpe');
		assert.equal(result.exact, true);
		assert.equal(result.total.tokens, readReferenceFile().vocabs['llama-bpe'].cases['English prose'].text[0]);
		assert.equal(result.contextWindow, 4096);
		assert.equal(result.contextWindowSource, 'model parameters');
	});

	test('second run reads the vocabulary from the cache', async () => {
		const verboseShows = () =>
			server.requests.filter((request) => (request.body as { verbose?: boolean } | undefined)?.verbose === true).length;
		const before = verboseShows();
		const args = ['tokens', '--model', 'ollama:llama-bpe:test', '--ollama-host', server.baseUrl, '--json', file];
		const { output } = await runCli(args, directory);
		assert.equal(JSON.parse(output).exact, true);
		assert.equal(verboseShows(), before);
	});

	test('vocabulary without tokens is a labelled estimate', async () => {
		const args = ['tokens', '--model', 'ollama:no-vocab:test', '--ollama-host', server.baseUrl, file];
		const { status, output } = await runCli(args, directory);
		assert.equal(status, 0);
		assert.match(output, /ollama:no-vocab:test: o200k_base \(estimated: .*tokenizer\.ggml\.tokens/);
	});
});
