import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeOllama } from '../fixtures/fake-ollama';
import { CORPUS } from '../fixtures/gguf-corpus';
import * as path from 'node:path';
import { findLlamaCppSource, listVocabFiles, type ReferenceFile } from '../fixtures/llama-reference';
import { activateLab, useProvider, waitFor } from './helpers';

suite('local model tokenizer', () => {
	test('status bar counts with the model vocabulary', async function () {
		const source = findLlamaCppSource();
		if (!source) {
			this.skip();
		}
		// llama.cpp's own counts, recorded from node-llama-cpp: the reference for this vocabulary.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const reference = require(path.join(__dirname, '../../../test/fixtures/gguf-reference.json')) as ReferenceFile;
		const prose = CORPUS.find((entry) => entry.name === 'English prose')!;
		const expected = reference.vocabs['llama-bpe'].cases[prose.name].text[0];
		const server = await startFakeOllama({
			models: [{ name: 'llama3.2:3b', family: 'llama', contextLength: 131_072, ggufFile: listVocabFiles(source!).get('llama-bpe')! }],
		});
		try {
			const api = await activateLab();
			await useProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: server.baseUrl }, 'llama3.2:3b');
			const document = await vscode.workspace.openTextDocument({ content: prose.text });
			await vscode.window.showTextDocument(document);

			const countOf = (value: string | undefined) => Number(/([\d,]+) tok/.exec(value ?? '')?.[1].replace(/,/g, ''));
			const shown = await waitFor(
				'an exact count of the open file',
				() => api.tokenCountText(),
				(value) => value !== undefined && !value.includes('≈') && countOf(value) === expected,
				30_000,
			);
			assert.equal(countOf(shown), expected);
			assert.match(shown ?? '', /of 4,096/);
		} finally {
			await server.stop();
		}
	});
});
