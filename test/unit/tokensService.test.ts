import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { get_encoding } from 'tiktoken';
import { readTypeScriptLib } from '../bench/corpus';
import { createInProcessTransport } from '../../src/core/tokens/inProcess';
import type { TokenCountRequest } from '../../src/core/tokens/protocol';
import {
	createWorkerTransport,
	TokenCountError,
	TokenCountService,
	type DocumentTokenCount,
	type TokenCountTransport,
} from '../../src/core/tokens/service';

const oracle = get_encoding('o200k_base');
after(() => oracle.free());

/** Wraps a transport and records every request sent through it. */
function recording(transport: TokenCountTransport): { transport: TokenCountTransport; sent: TokenCountRequest[] } {
	const sent: TokenCountRequest[] = [];
	return {
		sent,
		transport: {
			send(request) {
				sent.push(request);
				transport.send(request);
			},
			connect: (onResponse, onFailure) => transport.connect(onResponse, onFailure),
			dispose: () => transport.dispose(),
		},
	};
}

let workerScript = '';
let buildDirectory = '';
before(async () => {
	// Bundle the worker as esbuild.js does, so the test runs the same kind of file as the extension.
	buildDirectory = mkdtempSync(path.join(tmpdir(), 'llm-lab-token-worker-'));
	workerScript = path.join(buildDirectory, 'token-worker.js');
	await build({
		entryPoints: [path.join(__dirname, '..', '..', 'src', 'core', 'tokens', 'worker.ts')],
		outfile: workerScript,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		logLevel: 'warning',
	});
});
after(() => rmSync(buildDirectory, { recursive: true, force: true }));

const transports: Record<string, () => TokenCountTransport> = {
	'in process': () => createInProcessTransport(),
	'worker thread': () => createWorkerTransport(workerScript),
};

for (const [kind, createTransport] of Object.entries(transports)) {
	describe(`TokenCountService ${kind}`, () => {
		test('counts a text once', async () => {
			const service = new TokenCountService(createTransport());
			try {
				const text = readTypeScriptLib('lib.es5.d.ts');
				assert.equal(await service.count(text, 'o200k_base'), oracle.encode_ordinary(text).length);
				assert.equal(await service.count('<|endoftext|>', 'o200k_base'), oracle.encode_ordinary('<|endoftext|>').length);
			} finally {
				await service.dispose();
			}
		});

		test('keeps a document count exact under edits', async () => {
			const service = new TokenCountService(createTransport());
			try {
				let text = readTypeScriptLib('lib.es5.d.ts');
				const opened = await service.open('doc', text, 'o200k_base', 1);
				assert.equal(opened?.version, 1);
				assert.equal(opened?.tokens, oracle.encode_ordinary(text).length);

				text = `${text.slice(0, 100)}😀 added\n${text.slice(110)}`;
				const edited = await service.edit('doc', 2, [
					{ offset: 100, deletedLength: 10, insertedText: '' },
					{ offset: 100, deletedLength: 0, insertedText: '😀 added\n' },
				]);
				assert.equal(edited?.version, 2);
				assert.equal(edited?.tokens, oracle.encode_ordinary(text).length);
			} finally {
				await service.dispose();
			}
		});

		test('coalesces fast edits and drops stale counts', async () => {
			const { transport, sent } = recording(createTransport());
			const service = new TokenCountService(transport);
			const delivered: DocumentTokenCount[] = [];
			service.onDidCountDocument((count) => delivered.push(count));
			try {
				let text = readTypeScriptLib('lib.dom.d.ts').slice(0, 500_000);
				void service.open('doc', text, 'o200k_base', 0);
				const results: Promise<DocumentTokenCount | undefined>[] = [];
				for (let version = 1; version <= 200; version++) {
					const offset = (version * 7919) % text.length;
					text = `${text.slice(0, offset)}k${text.slice(offset)}`;
					results.push(service.edit('doc', version, [{ offset, deletedLength: 0, insertedText: 'k' }]));
				}
				const settled = await Promise.all(results);

				const editRequests = sent.filter((request) => request.type === 'document/edit');
				assert.ok(editRequests.length < 20, `${editRequests.length} edit requests for 200 edits`);
				for (const [index, result] of settled.entries()) {
					assert.ok(result && result.version >= index + 1, `edit ${index + 1} resolved with ${result?.version}`);
				}
				const last = settled[settled.length - 1];
				assert.equal(last?.version, 200);
				assert.equal(last?.tokens, oracle.encode_ordinary(text).length);
				const versions = delivered.map((count) => count.version);
				assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
				assert.equal(versions.at(-1), 200);
			} finally {
				await service.dispose();
			}
		});

		test('resolves pending edits with undefined on reopen', async () => {
			const service = new TokenCountService(createTransport());
			try {
				void service.open('doc', 'first text', 'cl100k_base', 1);
				const stale = service.edit('doc', 2, [{ offset: 0, deletedLength: 0, insertedText: 'x' }]);
				const reopened = service.open('doc', 'second', 'cl100k_base', 3);
				assert.equal(await stale, undefined);
				assert.equal((await reopened)?.tokens, 1);
				service.close('doc');
				assert.throws(() => service.edit('doc', 4, []), TokenCountError);
			} finally {
				await service.dispose();
			}
		});

		test('reports an edit outside the document', async () => {
			const service = new TokenCountService(createTransport());
			try {
				await service.open('doc', 'short', 'o200k_base', 1);
				await assert.rejects(
					service.edit('doc', 2, [{ offset: 50, deletedLength: 1, insertedText: '' }]),
					(error: unknown) => error instanceof TokenCountError && /outside the document/.test(error.message),
				);
			} finally {
				await service.dispose();
			}
		});
	});
}

test('TokenCountService rejects use after dispose', async () => {
	const service = new TokenCountService(createInProcessTransport());
	await service.dispose();
	assert.throws(() => service.count('x', 'o200k_base'), TokenCountError);
});
