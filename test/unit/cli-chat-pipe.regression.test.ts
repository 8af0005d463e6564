import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';

const repositoryRoot = path.resolve(__dirname, '..', '..');

let server: FakeOpenAI;

before(async () => {
	server = await startFakeOpenAI({ replyText: 'one two three four five six seven eight', chunkDelayMs: 50 });
});

after(async () => {
	await server?.stop();
});

// `llm-lab chat ... | head -c 10` closes the pipe while the reply still streams, and writing to it then fails with
// EPIPE. A command line tool stops quietly there, the way `cat` and `grep` do.
test('chat stops quietly when stdout closes', async () => {
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'--import',
			'./test/fixtures/loopback-only.mjs',
			'src/cli/main.ts',
			'chat',
			'--model',
			'gpt-4o-mini',
			'--base-url',
			server.baseUrl,
			'Hello',
		],
		{ cwd: repositoryRoot, env: { ...process.env, OPENAI_API_KEY: 'sk-test' }, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString('utf8');
	});
	child.stdout.once('data', () => child.stdout.destroy());
	const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

	assert.doesNotMatch(stderr, /Unhandled 'error' event/);
	assert.doesNotMatch(stderr, /EPIPE/);
	assert.notEqual(exitCode, 1, 'exit status 1 means the request failed, but only the reader went away');
});
