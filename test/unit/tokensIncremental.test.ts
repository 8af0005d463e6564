import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { chineseText, readTypeScriptLib, seededRandom } from '../bench/corpus';
import { ENCODING_NAMES, type EncodingName } from '../../src/core/tokens/encodings';
import { IncrementalTokenCounter } from '../../src/core/tokens/incremental';

const INSERTIONS = [
	'x', ' ', '\n', '\n\n', '\t', '/', '//', ';', "'s", 'é', '中文', '😀', '👍🏽', '<|endoftext|>', 'function f() {\n\treturn 1;\n}\n',
	'a'.repeat(300), '='.repeat(300), '  \n  ', '\r\n',
];

// Full counts come from tiktoken's WASM build, independent of the engine under test.
const oracles = new Map<EncodingName, Tiktoken>();
function oracleCount(text: string, encoding: EncodingName): number {
	let oracle = oracles.get(encoding);
	if (!oracle) {
		oracle = get_encoding(encoding);
		oracles.set(encoding, oracle);
	}
	return oracle.encode_ordinary(text).length;
}
after(() => {
	for (const oracle of oracles.values()) {
		oracle.free();
	}
});

describe('IncrementalTokenCounter', () => {
	for (const encoding of ENCODING_NAMES) {
		test(`total equals a full count after random edits (${encoding})`, () => {
			const random = seededRandom(42);
			const initial = readTypeScriptLib('lib.es5.d.ts').slice(0, 40_000) + chineseText(4_000);
			let text = initial;
			const counter = new IncrementalTokenCounter(initial, encoding, { chunkLength: 512 });
			assert.equal(counter.totalTokens, oracleCount(text, encoding));

			for (let step = 0; step < 300; step++) {
				const offset = Math.floor(random() * (text.length + 1));
				const deletedLength = random() < 0.5 ? 0 : Math.min(text.length - offset, Math.floor(random() * 40));
				const insertedText = random() < 0.3 ? '' : INSERTIONS[Math.floor(random() * INSERTIONS.length)];
				text = text.slice(0, offset) + insertedText + text.slice(offset + deletedLength);
				counter.applyEdit(offset, deletedLength, insertedText);

				assert.equal(counter.length, text.length, `step ${step}: length`);
				assert.equal(counter.totalTokens, oracleCount(text, encoding), `step ${step}: edit at ${offset}`);
			}
			assert.equal(counter.getText(), text);
		});
	}

	test('one-character edit recounts only nearby chunks', () => {
		const text = readTypeScriptLib('lib.dom.d.ts');
		const counter = new IncrementalTokenCounter(text, 'o200k_base');
		const recount = counter.applyEdit(text.length >> 1, 0, 'x');
		assert.ok(counter.chunkCount > 100, `${counter.chunkCount} chunks`);
		assert.ok(recount.chunks <= 4, `${recount.chunks} chunks recounted`);
		assert.ok(recount.length < 20_000, `${recount.length} code units recounted`);
	});

	test('grows from an empty document', () => {
		const counter = new IncrementalTokenCounter('', 'cl100k_base');
		assert.equal(counter.totalTokens, 0);
		counter.applyEdit(0, 0, 'hello world');
		counter.applyEdit(5, 0, ',');
		assert.equal(counter.getText(), 'hello, world');
		assert.equal(counter.totalTokens, oracleCount('hello, world', 'cl100k_base'));
		counter.applyEdit(0, 12, '');
		assert.equal(counter.totalTokens, 0);
		assert.equal(counter.chunkCount, 0);
	});

	test('rejects an edit outside the document', () => {
		const counter = new IncrementalTokenCounter('abc', 'o200k_base');
		assert.throws(() => counter.applyEdit(2, 5, ''), RangeError);
		assert.throws(() => counter.applyEdit(-1, 0, 'x'), RangeError);
		assert.throws(() => counter.applyEdit(4, 0, 'x'), RangeError);
		assert.equal(counter.getText(), 'abc');
	});
});
