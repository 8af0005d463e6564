import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	apiKeyFor,
	type CompareIo,
	type CompareOptions,
	EXIT_BELOW_PASS_RATE,
	EXIT_INVALID_INPUT,
	runCompare,
} from '../../src/cli/compare';
import { readRunFile } from '../../src/core/compare/runFile';
import type { FakeChatBody } from '../fixtures/fake-openai';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';

const casesDir = path.join(__dirname, '../fixtures/cases');

interface Captured extends CompareIo {
	out: string;
	err: string;
}

function captureIo(cwd: string, env: Record<string, string> = {}): Captured {
	const io: Captured = {
		out: '',
		err: '',
		stdout: (text) => {
			io.out += text;
		},
		stderr: (text) => {
			io.err += text;
		},
		env,
		cwd,
		interactive: false,
	};
	return io;
}

/** Replies `label N` to `item N`, except the `bad` model on odd rows. */
function labelFor(body: FakeChatBody): string {
	const last = body.messages?.filter((message) => message.role === 'user').at(-1);
	const row = Number(/item (\d+)/.exec(String(last?.content))?.[1]);
	return body.model === 'bad' && row % 2 === 1 ? 'no idea' : `label ${row}`;
}

describe('compare command', () => {
	let server: FakeOpenAI;
	let dir: string;
	let options: CompareOptions;

	before(async () => {
		server = await startFakeOpenAI({ models: ['ft:gpt-4o-mini:acme::abc', 'bad'], respond: (body) => ({ text: labelFor(body) }) });
		dir = await mkdtemp(path.join(tmpdir(), 'llm-lab-cli-'));
		const variants = {
			providers: [{ id: 'local', kind: 'openai', baseUrl: server.baseUrl }],
			variants: [
				{
					id: 'tuned',
					model: 'local:ft:gpt-4o-mini:acme::abc',
					price: { inputPerMillion: 0.3, outputPerMillion: 1.2 },
				},
				{
					id: 'prompted',
					label: 'Few-shot',
					model: 'local:bad',
					system: 'Answer with the word label and the number of the item. '.repeat(10),
					examples: [{ input: 'item 100', output: 'label 100' }],
					price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
				},
			],
			scorers: [{ type: 'exact' }],
			breakEven: { trainingTokens: 100000, epochs: 3 },
		};
		await writeFile(path.join(dir, 'variants.json'), JSON.stringify(variants));
		const rows = Array.from({ length: 6 }, (_, index) => JSON.stringify({ input: `item ${index}`, expected: `label ${index}` }));
		await writeFile(path.join(dir, 'data.jsonl'), `${rows.join('\n')}\n`);
		options = { variants: path.join(dir, 'variants.json'), dataset: path.join(dir, 'data.jsonl'), resume: false };
	});
	after(() => server.stop());

	test('prints a summary and writes the run file', async () => {
		const io = captureIo(dir);
		const status = await runCompare(options, io);
		assert.equal(status, 0, io.err);
		const lines = io.out.split('\n');
		assert.match(lines[0], /^Variant\s+Model\s+Pass rate/);
		assert.match(io.out, /tuned\s+local:ft:gpt-4o-mini:acme::abc\s+100\.0%/);
		assert.match(io.out, /Few-shot\s+local:bad\s+50\.0%/);
		assert.match(io.out, /Break-even: "tuned" against "prompted": cheaper after [\d,]+ calls \(training \$0\.90\)/);
		const runFile = /Run file: (.+)/.exec(io.out)?.[1] ?? '';
		assert.ok(runFile.startsWith(path.join(dir, '.llmlab', 'runs')), runFile);
		assert.equal((await readRunFile(runFile)).records.length, 12);
	});

	test('pass rate below the minimum exits 4', async () => {
		const io = captureIo(dir);
		const status = await runCompare({ ...options, out: path.join(dir, 'below.jsonl'), minPassRate: 0.9 }, io);
		assert.equal(status, EXIT_BELOW_PASS_RATE);
		assert.match(io.err, /variant "prompted" passed 50\.0%, below --min-pass-rate 90\.0%/);
		assert.doesNotMatch(io.err, /variant "tuned"/);
	});

	test('pass rate at the minimum exits 0', async () => {
		const io = captureIo(dir);
		assert.equal(await runCompare({ ...options, out: path.join(dir, 'at.jsonl'), minPassRate: 0.5 }, io), 0);
	});

	test('resume reuses the finished calls', async () => {
		const out = path.join(dir, 'resume.jsonl');
		const controller = new AbortController();
		const first = captureIo(dir);
		first.signal = controller.signal;
		controller.abort();
		assert.equal(await runCompare({ ...options, out }, first), 130);
		assert.match(first.err, /--resume --out/);

		const before = server.requests.length;
		const second = captureIo(dir);
		assert.equal(await runCompare({ ...options, out, resume: true }, second), 0, second.err);
		assert.equal(server.requests.length - before, 12);
		const third = captureIo(dir);
		assert.equal(await runCompare({ ...options, out, resume: true }, third), 0);
		assert.equal(server.requests.length - before, 12);
		assert.match(third.err, /Resuming: 12 of 12 calls are already done/);
	});

	test('invalid dataset rows are listed and nothing runs', async () => {
		const dataset = path.join(dir, 'faults.jsonl');
		await copyFile(path.join(casesDir, 'finetune-two-faults.jsonl'), dataset);
		const before = server.requests.length;
		const io = captureIo(dir);
		assert.equal(await runCompare({ ...options, dataset, out: path.join(dir, 'faults-run.jsonl') }, io), EXIT_INVALID_INPUT);
		assert.match(io.err, /faults\.jsonl:37:194: error: Trailing comma/);
		assert.match(io.err, /faults\.jsonl:52:158: error: messages\[2\] has the unknown role "assitant"/);
		assert.equal(server.requests.length, before);
	});

	test('resume without a run file is a usage error', async () => {
		await assert.rejects(runCompare({ ...options, resume: true }, captureIo(dir)), /--resume needs --out/);
	});

	test('invalid variants file exits 2', async () => {
		const variants = path.join(dir, 'broken.json');
		await writeFile(variants, JSON.stringify({ variants: [{ id: 'x' }] }));
		const io = captureIo(dir);
		assert.equal(await runCompare({ ...options, variants }, io), EXIT_INVALID_INPUT);
		assert.match(io.err, /\/variants\/0 must have required property 'model'/);
	});

	test('empty dataset exits 2', async () => {
		const dataset = path.join(dir, 'empty.jsonl');
		await writeFile(dataset, '');
		const io = captureIo(dir);
		assert.equal(await runCompare({ ...options, dataset, out: path.join(dir, 'empty-run.jsonl') }, io), EXIT_INVALID_INPUT);
		assert.match(io.err, /has no rows/);
	});

	test('failed judge exits 1 and resume scores again', async () => {
		const judged = path.join(dir, 'judged.json');
		const definition = JSON.parse(await readFile(options.variants!, 'utf8'));
		definition.scorers = [{ type: 'judge', model: 'local:judge-missing', rubric: 'Is the label right?' }];
		await writeFile(judged, JSON.stringify(definition));
		server.setFault({ kind: 'status', status: 500, model: 'judge-missing' });
		try {
			const out = path.join(dir, 'judged-run.jsonl');
			const first = captureIo(dir);
			assert.equal(await runCompare({ ...options, variants: judged, out }, first), 1, first.err);
			assert.match(first.err, /score\(s\) could not be computed/);
			const before = server.requests.length;
			const second = captureIo(dir);
			await runCompare({ ...options, variants: judged, out, resume: true }, second);
			assert.ok(server.requests.length > before, 'resume did not run the failed scores again');
		} finally {
			server.setFault(undefined);
		}
	});

	test('run file lines are whole JSON records', async () => {
		const out = path.join(dir, 'lines.jsonl');
		await runCompare({ ...options, out }, captureIo(dir));
		const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
		assert.equal(lines.length, 13);
		assert.equal(JSON.parse(lines[0]).type, 'header');
		assert.ok(lines.slice(1).every((line) => JSON.parse(line).type === 'result'));
	});
});

describe('compare API keys', () => {
	const env = { OPENAI_API_KEY: 'sk-openai', LOCAL_KEY: 'sk-local' };

	test('OpenAI key goes only to OpenAI', () => {
		assert.equal(apiKeyFor({ id: 'openai', name: 'o', kind: 'openai', baseUrl: 'https://api.openai.com/v1' }, env), 'sk-openai');
		assert.equal(apiKeyFor({ id: 'vllm', name: 'v', kind: 'openai', baseUrl: 'http://10.0.0.5:8000/v1' }, env), undefined);
	});

	test('named variable supplies the key', () => {
		const config = { id: 'vllm', name: 'v', kind: 'openai' as const, baseUrl: 'http://10.0.0.5:8000/v1', apiKeyEnv: 'LOCAL_KEY' };
		assert.equal(apiKeyFor(config, env), 'sk-local');
	});

	test('Ollama gets no key', () => {
		assert.equal(apiKeyFor({ id: 'ollama', name: 'o', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' }, env), undefined);
	});
});
