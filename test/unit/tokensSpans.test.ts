import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { chineseText, readTypeScriptLib, seededRandom } from '../bench/corpus';
import { findSplitPoint } from '../../src/core/tokens/chunks';
import { ENCODING_NAMES, type EncodingName } from '../../src/core/tokens/encodings';
import { createInProcessTransport } from '../../src/core/tokens/inProcess';
import { createWorkerTransport, TokenCountService, type TokenCountTransport } from '../../src/core/tokens/service';
import { encodeRangeSpans, encodeSpans, findSplitPointBefore, type TokenSpan } from '../../src/core/tokens/spans';

// The oracle is tiktoken's WASM build of OpenAI's Rust tokenizer, independent of the engine under test.
const oracles = new Map<EncodingName, Tiktoken>();
function oracle(encoding: EncodingName): Tiktoken {
	let loaded = oracles.get(encoding);
	if (!loaded) {
		loaded = get_encoding(encoding);
		oracles.set(encoding, loaded);
	}
	return loaded;
}
after(() => {
	for (const loaded of oracles.values()) {
		loaded.free();
	}
});

interface OracleToken {
	id: number;
	/** Byte range of the token in the UTF-8 text. */
	byteStart: number;
	byteEnd: number;
}

const oracleTokenCache = new Map<string, OracleToken[]>();

function oracleTokens(text: string, encoding: EncodingName): OracleToken[] {
	const key = `${encoding}:${text}`;
	const cached = oracleTokenCache.get(key);
	if (cached) {
		return cached;
	}
	const tokens: OracleToken[] = [];
	let byte = 0;
	for (const id of oracle(encoding).encode_ordinary(text)) {
		const length = oracle(encoding).decode_single_token_bytes(id).length;
		tokens.push({ id, byteStart: byte, byteEnd: byte + length });
		byte += length;
	}
	oracleTokenCache.set(key, tokens);
	return tokens;
}

/** Returns the UTF-8 byte offset of each UTF-16 offset of `text`. */
function byteOffsets(text: string): number[] {
	const offsets: number[] = [];
	let byte = 0;
	for (let index = 0; index < text.length; index++) {
		offsets.push(byte);
		const code = text.charCodeAt(index);
		const next = text.charCodeAt(index + 1);
		if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
			offsets.push(byte);
			index++;
			byte += 4;
		} else {
			byte += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
		}
	}
	offsets.push(byte);
	return offsets;
}

const CASES: Record<string, string> = {
	'English and code': 'const total = items.reduce((sum, item) => sum + item.price, 0);\n// Sum the prices.\n',
	Chinese: '词元化把文本切成模型能读的单位。每个汉字可能是一个或多个词元。',
	'emoji with joiners': 'Family 👩‍👩‍👧‍👦, coder 🧑🏿‍💻, flag 🏳️‍🌈 and kiss 👨‍❤️‍💋‍👨.',
	'digit runs': `${'1234567890'.repeat(20)} 3.14159 ${'9'.repeat(101)}`,
	'whitespace runs': `a${' '.repeat(40)}b\n\n\n\t\t  \n   \r\n\r\n${'\t'.repeat(30)}c\n`,
	'special-token strings': 'Before <|endoftext|> after <|im_start|>user<|im_end|> <s></s>',
	'astral letters and a lone surrogate': '𝐀𝐁𝐂 𠀀𠀁 text \ud800 end',
};

describe('encodeSpans', () => {
	for (const encoding of ENCODING_NAMES) {
		for (const [name, text] of Object.entries(CASES)) {
			test(`${encoding} ids and bytes match tiktoken on ${name}`, () => {
				const spans = encodeSpans(text, encoding);
				const expected = oracleTokens(text, encoding);
				assert.deepEqual(
					spans.map((span) => span.id),
					expected.map((token) => token.id),
				);
				const bytes = byteOffsets(text);
				const encoder = new TextEncoder();
				for (const [index, span] of spans.entries()) {
					const token = expected[index];
					const whole = bytes[span.start] === token.byteStart && bytes[span.end] === token.byteEnd;
					if (span.partialBytes) {
						assert.deepEqual(span.partialBytes, Array.from(oracle(encoding).decode_single_token_bytes(token.id)));
						assert.equal(whole, false, `token ${index} is marked partial but covers whole characters`);
					} else {
						assert.equal(whole, true, `token ${index} (${span.start}-${span.end}) is not at its oracle bytes`);
						assert.deepEqual(encoder.encode(text.slice(span.start, span.end)), oracle(encoding).decode_single_token_bytes(token.id));
					}
				}
			});
		}
	}

	test('marks tokens inside a character as partial', () => {
		// cl100k_base splits many CJK characters into two byte tokens.
		const spans = encodeSpans('㐀㐁㐂', 'cl100k_base');
		assert.ok(spans.some((span) => span.partialBytes !== undefined));
	});

	test('adds the offset to every span', () => {
		const plain = encodeSpans('hello world', 'o200k_base');
		const shifted = encodeSpans('hello world', 'o200k_base', 100);
		assert.deepEqual(
			shifted.map((span) => span.start - 100),
			plain.map((span) => span.start),
		);
	});
});

describe('findSplitPointBefore', () => {
	const text = readTypeScriptLib('lib.es5.d.ts').slice(0, 20_000);

	test('returns the last split point at or before an offset', () => {
		const points: number[] = [];
		for (let point = findSplitPoint(text, 1); point !== -1; point = findSplitPoint(text, point + 1)) {
			points.push(point);
		}
		const random = seededRandom(11);
		for (let trial = 0; trial < 200; trial++) {
			const offset = Math.floor(random() * text.length);
			const expected = points.filter((point) => point <= offset).at(-1) ?? -1;
			assert.equal(findSplitPointBefore(text, offset), expected, `offset ${offset}`);
		}
	});

	test('returns -1 inside a run with no split point', () => {
		assert.equal(findSplitPointBefore('a'.repeat(5000), 4000), -1);
	});
});

/** Returns the oracle's tokens of the whole text that overlap `[start, end)`, as UTF-16 spans. */
function oracleSpansIn(text: string, encoding: EncodingName, start: number, end: number): { id: number; start: number }[] {
	const bytes = byteOffsets(text);
	// UTF-16 offset of the character that contains each byte: a token that starts inside a character starts there.
	const characterOf = new Int32Array(bytes[bytes.length - 1] + 1);
	for (let index = 0; index < text.length; ) {
		const units = (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
		characterOf.fill(index, bytes[index], bytes[index + units]);
		index += units;
	}
	const startByte = bytes[start];
	const endByte = bytes[end];
	return oracleTokens(text, encoding)
		.filter((token) => token.byteEnd > startByte && token.byteStart < endByte)
		.map((token) => ({ id: token.id, start: characterOf[token.byteStart] }));
}

function idsAndStarts(spans: TokenSpan[]): { id: number; start: number }[] {
	return spans.map((span) => ({ id: span.id, start: span.start }));
}

describe('encodeRangeSpans', () => {
	const source = readTypeScriptLib('lib.es5.d.ts').slice(0, 30_000);
	const mixed = `${chineseText(3000)}\n${Object.values(CASES).join('\n')}\n${source.slice(0, 5000)}`;

	for (const encoding of ENCODING_NAMES) {
		test(`${encoding} range tokens equal a full encode`, () => {
			const random = seededRandom(encoding.length);
			for (const text of [source, mixed]) {
				for (let trial = 0; trial < 25; trial++) {
					const start = Math.floor(random() * text.length);
					const end = Math.min(text.length, start + 1 + Math.floor(random() * 3000));
					const result = encodeRangeSpans(text, start, end, encoding);
					assert.ok(result, `no result for ${start}-${end}`);
					assert.deepEqual(idsAndStarts(result.spans), oracleSpansIn(text, encoding, start, end), `range ${start}-${end}`);
				}
			}
		});

		test(`${encoding} range tokens from a stretch equal a full encode`, () => {
			const random = seededRandom(7 + encoding.length);
			for (let trial = 0; trial < 25; trial++) {
				const start = 2000 + Math.floor(random() * (source.length - 8000));
				const end = start + 1 + Math.floor(random() * 2000);
				const textOffset = start - 1500;
				const stretch = source.slice(textOffset, end + 1500);
				const result = encodeRangeSpans(stretch, start, end, encoding, { textOffset, documentLength: source.length });
				assert.ok(result, `no result for ${start}-${end}`);
				assert.deepEqual(idsAndStarts(result.spans), oracleSpansIn(source, encoding, start, end), `range ${start}-${end}`);
			}
		});
	}

	test('asks for more text when a stretch has no split point', () => {
		const run = 'x'.repeat(10_000);
		const result = encodeRangeSpans(run.slice(1000, 9000), 4000, 4100, 'o200k_base', { textOffset: 1000, documentLength: run.length });
		assert.equal(result, undefined);
	});

	test('encodes the whole run when the text is the document', () => {
		const run = 'x'.repeat(10_000);
		const result = encodeRangeSpans(run, 4000, 4100, 'o200k_base');
		assert.deepEqual(idsAndStarts(result?.spans ?? []), oracleSpansIn(run, 'o200k_base', 4000, 4100));
	});

	test('returns the token at an empty range', () => {
		const text = 'alpha beta gamma';
		const result = encodeRangeSpans(text, 6, 6, 'o200k_base');
		assert.equal(result?.spans.length, 1);
		assert.equal(text.slice(result?.spans[0].start, result?.spans[0].end), ' beta');
	});
});

describe('TokenCountService.encodeRange', () => {
	let buildDirectory = '';
	let workerScript = '';
	before(async () => {
		// Bundle the worker as esbuild.js does, so the reply crosses a real worker boundary.
		buildDirectory = mkdtempSync(path.join(tmpdir(), 'llm-lab-span-worker-'));
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
	const source = readTypeScriptLib('lib.es5.d.ts').slice(0, 50_000);

	for (const [kind, createTransport] of Object.entries(transports)) {
		test(`returns the range's tokens ${kind}`, async () => {
			const service = new TokenCountService(createTransport());
			try {
				const result = await service.encodeRange(source, 20_000, 21_000, 'o200k_base');
				assert.deepEqual(idsAndStarts(result?.spans ?? []), oracleSpansIn(source, 'o200k_base', 20_000, 21_000));
			} finally {
				await service.dispose();
			}
		});

		test(`resolves undefined for a stretch without split points ${kind}`, async () => {
			const service = new TokenCountService(createTransport());
			try {
				const result = await service.encodeRange('y'.repeat(3000), 1500, 1600, 'o200k_base', {
					textOffset: 500,
					documentLength: 10_000,
				});
				assert.equal(result, undefined);
			} finally {
				await service.dispose();
			}
		});
	}
});
