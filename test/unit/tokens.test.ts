import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { get_encoding, type Tiktoken } from 'tiktoken';
import {
	base64Line,
	chineseText,
	englishProse,
	minifiedLine,
	readSourceFiles,
	readTypeScriptLib,
	seededRandom,
} from '../bench/corpus';
import { countChatTokens } from '../../src/core/tokens/chat';
import { findSplitPoint, splitIntoChunks } from '../../src/core/tokens/chunks';
import { countChunk, countTokens, decode, encode } from '../../src/core/tokens/count';
import { ENCODING_NAMES, isEncodingName, type EncodingName } from '../../src/core/tokens/encodings';

// The oracle is tiktoken's WASM build of OpenAI's Rust tokenizer, independent of the engine under test.
const oracles = new Map<EncodingName, Tiktoken>();
function oracleCount(text: string, encoding: EncodingName): number {
	return oracleEncode(text, encoding).length;
}
function oracleEncode(text: string, encoding: EncodingName): number[] {
	let oracle = oracles.get(encoding);
	if (!oracle) {
		oracle = get_encoding(encoding);
		oracles.set(encoding, oracle);
	}
	return Array.from(oracle.encode_ordinary(text));
}
after(() => {
	for (const oracle of oracles.values()) {
		oracle.free();
	}
});

const SPECIAL_CASES: Record<string, string> = {
	'empty text': '',
	'special tokens typed as text': 'Before <|endoftext|> after <|im_start|>user<|im_end|> <|fim_prefix|><|endofprompt|>',
	'emoji with ZWJ and skin tones': '👩‍👩‍👧‍👦 family, 👍🏽 thumbs, 🧑🏿‍💻 coder, 🏳️‍🌈 flag, 👨‍❤️‍💋‍👨 kiss 🇯🇵🇺🇸',
	'long digit runs': `${'1234567890'.repeat(50)} 3.14159265358979 ${'9'.repeat(1001)}\n${'0'.repeat(7)}`,
	'whitespace runs': `a${' '.repeat(300)}b\n\n\n\t\t\t  \n   \r\n\r\n${'\t'.repeat(400)}c   \n${' '.repeat(40)}`,
	'punctuation across newlines': 'x;\n//c\n);\n\n/* y */\n}\n/\n/a\n?.\n\n!!\n\n\n--\n//\n',
	'contractions and case changes': "I'm sure they'LL say we'd've HTMLElement XMLHttpRequest camelCaseWord don't",
	'mixed scripts': 'Привет мир, שלום עולם, مرحبا بالعالم, नमस्ते दुनिया, こんにちは世界, 안녕하세요 세계',
	'combining marks': 'e\u0301 a\u0308\u0304 \u0915\u094d\u0937 Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f',
	'astral letters': '𝐀𝐁𝐂 𝒜𝒷𝒸 𐐷𐐸 𠀀𠀁𠀂 text',
	'long run of one letter': 'a'.repeat(20_000),
	'long run of punctuation': `${'='.repeat(3000)}\n${'-+'.repeat(1500)}\n${'!'.repeat(2000)}`,
	'long Chinese run without punctuation': '中'.repeat(600) + '文字'.repeat(700),
};

describe('countTokens', () => {
	for (const encoding of ENCODING_NAMES) {
		describe(encoding, () => {
			for (const [name, text] of Object.entries(SPECIAL_CASES)) {
				test(`matches tiktoken on ${name}`, () => {
					assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
				});
			}

			test('matches tiktoken on every file under src', () => {
				const files = readSourceFiles();
				assert.ok(files.length > 5, `expected source files under src/, found ${files.length}`);
				for (const { file, text } of files) {
					assert.equal(countTokens(text, encoding), oracleCount(text, encoding), file);
				}
			});

			for (const name of ['lib.dom.d.ts', 'lib.es5.d.ts']) {
				test(`matches tiktoken on TypeScript's ${name}`, () => {
					const text = readTypeScriptLib(name);
					assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
				});
			}

			test('matches tiktoken on Chinese prose', () => {
				const text = chineseText(20_000);
				assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
			});

			test('matches tiktoken on English prose', () => {
				const text = englishProse(50_000);
				assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
			});

			test('matches tiktoken on a 200 KB line with no spaces', () => {
				const text = minifiedLine(200_000);
				assert.ok(!/\s/.test(text));
				assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
			});

			test('matches tiktoken on base64', () => {
				const text = base64Line(100_000);
				assert.equal(countTokens(text, encoding), oracleCount(text, encoding));
			});

			test('counts a 200 KB run of one letter in under 2 s', () => {
				const started = performance.now();
				const tokens = countTokens('a'.repeat(200_000), encoding);
				const elapsed = performance.now() - started;
				assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
				// Every 8 a's are one token in both encodings, as tiktoken gives for shorter runs.
				assert.equal(oracleCount('a'.repeat(8_000), encoding), 1_000);
				assert.equal(tokens, 25_000);
			});

			test('encode returns the same ids as tiktoken', () => {
				for (const text of [...Object.values(SPECIAL_CASES), chineseText(3_000), minifiedLine(5_000)]) {
					assert.deepEqual(encode(text, encoding), oracleEncode(text, encoding));
				}
			});

			test('decode restores the encoded text', () => {
				for (const text of Object.values(SPECIAL_CASES)) {
					assert.equal(decode(encode(text, encoding), encoding), text);
				}
			});
		});
	}

	test('rejects an unknown encoding', () => {
		assert.throws(() => countTokens('x', 'p50k_base' as EncodingName), /Unknown encoding 'p50k_base'/);
		assert.equal(isEncodingName('o200k_base'), true);
		assert.equal(isEncodingName('gpt2'), false);
	});
});

describe('splitIntoChunks', () => {
	const FUZZ_ALPHABET = [
		'a', 'B', 'z', 'é', '中', '1', '0', ' ', ' ', '\t', '\n', '\n', '\r\n', '/', ';', '.', "'", '"', '(', ')',
		'{', '}', '-', '=', '!', '\u0301', '😀', '👍🏽', '’', '_', '#', "'s", "'LL", '\u00a0', '\u3000', '🧑‍💻',
	];

	function randomText(random: () => number, length: number): string {
		let text = '';
		while (text.length < length) {
			text += FUZZ_ALPHABET[Math.floor(random() * FUZZ_ALPHABET.length)];
		}
		return text;
	}

	for (const encoding of ENCODING_NAMES) {
		test(`chunk counts add up to tiktoken's count on random text (${encoding})`, () => {
			const random = seededRandom(7);
			for (let round = 0; round < 300; round++) {
				const text = randomText(random, 50 + Math.floor(random() * 400));
				const chunks = splitIntoChunks(text, 1 + Math.floor(random() * 20));
				assert.equal(chunks.join(''), text);
				const sum = chunks.reduce((total, chunk) => total + countChunk(chunk, encoding), 0);
				assert.equal(sum, oracleCount(text, encoding), `round ${round}: ${JSON.stringify(text)}`);
			}
		});

		test(`chunk counts add up to tiktoken's count on real text (${encoding})`, () => {
			const texts = [
				readTypeScriptLib('lib.es5.d.ts'),
				chineseText(30_000),
				englishProse(30_000),
				minifiedLine(30_000),
				SPECIAL_CASES['punctuation across newlines'].repeat(50),
			];
			for (const text of texts) {
				for (const target of [1, 64, 1024]) {
					const chunks = splitIntoChunks(text, target);
					const sum = chunks.reduce((total, chunk) => total + countChunk(chunk, encoding), 0);
					assert.equal(sum, oracleCount(text, encoding), `target ${target}, ${chunks.length} chunks`);
				}
			}
		});
	}

	test('never splits inside a surrogate pair', () => {
		const text = '😀😀a😀𝐀😀\n😀'.repeat(20);
		for (const chunk of splitIntoChunks(text, 1)) {
			assert.doesNotMatch(chunk, /^[\udc00-\udfff]|[\ud800-\udbff]$/);
		}
	});

	test('does not split before a slash that follows a newline', () => {
		assert.equal(findSplitPoint('x;\n//c', 3), -1);
		assert.equal(findSplitPoint('x;\n  //c', 3), 3);
	});

	test('returns no chunks for empty text', () => {
		assert.deepEqual(splitIntoChunks(''), []);
	});
});

describe('countChatTokens', () => {
	// The example conversation from the OpenAI Cookbook's "How to count tokens with tiktoken", for which the API
	// reported 129 prompt tokens with gpt-4-0613 (cl100k_base).
	const cookbookMessages = [
		{
			role: 'system',
			content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
		},
		{ role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
		{ role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
		{
			role: 'system',
			name: 'example_user',
			content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
		},
		{ role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
		{
			role: 'user',
			content: "This late pivot means we don't have time to boil the ocean for the client deliverable.",
		},
	];

	test('matches the API figure for the cookbook example', () => {
		assert.equal(countChatTokens(cookbookMessages, 'cl100k_base'), 129);
	});

	test('adds framing to tiktoken counts of each field', () => {
		for (const encoding of ENCODING_NAMES) {
			let expected = 3;
			for (const message of cookbookMessages) {
				expected += 3 + oracleCount(message.role, encoding) + oracleCount(message.content, encoding);
				if (message.name !== undefined) {
					expected += 1 + oracleCount(message.name, encoding);
				}
			}
			assert.equal(countChatTokens(cookbookMessages, encoding), expected, encoding);
		}
	});

	test('counts an empty conversation as the reply priming', () => {
		assert.equal(countChatTokens([], 'o200k_base'), 3);
	});
});
