import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT_USAGE, main } from '../../src/cli/main';

/** Runs `main` with its text output captured; buffers, such as the test runner's own reports, pass through. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const writes = { stdout: '', stderr: '' };
	const stdoutWrite = process.stdout.write;
	const stderrWrite = process.stderr.write;
	process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
		if (typeof chunk !== 'string') {
			return stdoutWrite.call(process.stdout, chunk, ...rest);
		}
		writes.stdout += chunk;
		return true;
	}) as typeof process.stdout.write;
	process.stderr.write = ((chunk: string) => {
		writes.stderr += chunk;
		return true;
	}) as typeof process.stderr.write;
	try {
		const code = await main(argv);
		return { code, ...writes };
	} finally {
		process.stdout.write = stdoutWrite;
		process.stderr.write = stderrWrite;
	}
}

let folder: string;

before(async () => {
	folder = await mkdtemp(path.join(tmpdir(), 'llm-lab-cli-'));
	await writeFile(path.join(folder, 'text.md'), 'Hello tokens.');
	await writeFile(path.join(folder, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
});

after(() => rm(folder, { recursive: true, force: true }));

test('temperature above 2 is rejected', async () => {
	const result = await run(['chat', '--model', 'tiny', '--temperature', '3', 'Hi']);
	assert.equal(result.code, EXIT_USAGE);
	assert.match(result.stderr, /--temperature/);
});

test('ollama model without a name is rejected', async () => {
	const result = await run(['chat', '--model', 'ollama:', 'Hi']);
	assert.equal(result.code, EXIT_USAGE);
	assert.match(result.stderr, /needs a model name/);
});

test('non-http base URL is rejected', async () => {
	const result = await run(['chat', '--model', 'tiny', '--base-url', 'file:///etc/passwd', 'Hi']);
	assert.equal(result.code, EXIT_USAGE);
	assert.match(result.stderr, /http or https URL/);
});

test('tokens on a directory says so', async () => {
	const result = await run(['tokens', folder]);
	assert.equal(result.code, 1);
	assert.match(result.stderr, /is a directory/);
	assert.doesNotMatch(result.stderr, /EISDIR/);
});

test('tokens skips a binary file with a warning', async () => {
	const result = await run(['tokens', path.join(folder, 'image.bin'), path.join(folder, 'text.md')]);
	assert.equal(result.code, 0);
	assert.match(result.stderr, /warning: skipped .*image\.bin: it is a binary file/);
	assert.match(result.stdout, /text\.md/);
});

test('tokens --json lists failed files', async () => {
	const missing = path.join(folder, 'missing.md');
	const result = await run(['tokens', '--json', path.join(folder, 'text.md'), missing]);
	const output = JSON.parse(result.stdout) as { files: Array<{ file: string; error?: string; tokens?: number }> };
	const failed = output.files.find((entry) => entry.file === missing);
	assert.equal(result.code, 1);
	assert.match(failed?.error ?? '', /was not found/);
	assert.equal(output.files.length, 2);
});
