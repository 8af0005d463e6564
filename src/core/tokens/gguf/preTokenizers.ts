/**
 * llama.cpp's pre-tokenizers for byte pair encoding vocabularies, from `src/llama-vocab.cpp` of the llama.cpp that
 * node-llama-cpp 3.21.1 ships (commit 80fb11ac73e6). A GGUF file names its pre-tokenizer in `tokenizer.ggml.pre`, and
 * llama.cpp maps each name to a type. Each type splits text with a list of regexes: every regex splits each piece that
 * the previous one produced, keeping the unmatched stretches as pieces too. BPE merges never cross a piece boundary.
 *
 * The tests compare this table with the one in the llama.cpp source tree, so an update that changes a rule fails there.
 */

/** Letters, digits, symbols and whitespace split as GPT-2 does: each run may keep one leading space. */
const GPT2_WORDS = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

/** English contractions in either case, as llama.cpp writes Hugging Face's `(?i:'s|'t|...)`. */
const CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const CONTRACTION_SUFFIX = `${CONTRACTIONS}?`;

/** Llama 3's split: one leading non-letter joins a letter run, and digits go in groups of up to `digits`. */
function llama3Words(digits: string): string {
	return `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}${digits}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
}

const LLAMA3_WORDS = llama3Words('{1,3}');
const QWEN2_WORDS = llama3Words('');

const CJK_SCRIPTS_DEEPSEEK = '[一-龥ࠀ-一가-퟿]+';
const DEEPSEEK3_WORDS =
	"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

/** GPT-4o's split: case changes end a letter run, a contraction may follow it and `/` joins trailing newlines. */
function gpt4oWords(letter: string): string {
	const upper = `((?=[${letter}])([^a-z]))`;
	const lower = `((?=[${letter}])([^A-Z]))`;
	return (
		`[^\\r\\n\\p{L}\\p{N}]?${upper}*${lower}+${CONTRACTION_SUFFIX}|[^\\r\\n\\p{L}\\p{N}]?${upper}+${lower}*${CONTRACTION_SUFFIX}` +
		'|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+'
	);
}

const BLOOM_WORDS = ' ?[^(\\s|.,!?…。，、।۔،)]+';
const NEWLINE_RUNS = '[^\\n]+|[\\n]+';

export interface PreTokenizerType {
	/** Regexes applied one after the other, each to every piece the previous one produced. */
	readonly regexes: readonly string[];
	/**
	 * Whether pieces are mapped byte by byte to GPT-2's printable characters before the merges (true for most BPE
	 * vocabularies), or merged as raw UTF-8 with byte tokens written `<0xXX>`.
	 */
	readonly byteLevel: boolean;
}

/** Pre-tokenizer types by llama.cpp's name (`LLAMA_VOCAB_PRE_TYPE_<name>`). */
export const PRE_TOKENIZER_TYPES: Readonly<Record<string, PreTokenizerType>> = {
	DEFAULT: {
		regexes: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2_WORDS, '\\p{N}+', '[0-9][0-9][0-9]'],
		byteLevel: true,
	},
	LLAMA3: { regexes: [LLAMA3_WORDS], byteLevel: true },
	JAIS2: {
		regexes: [
			`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+` +
				'|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)' +
				'|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}',
		],
		byteLevel: true,
	},
	DBRX: { regexes: [LLAMA3_WORDS], byteLevel: true },
	SMAUG: { regexes: [LLAMA3_WORDS], byteLevel: true },
	DEEPSEEK_LLM: {
		// Written with \u{...} escapes where NFC normalisation would change a character (U+212A KELVIN SIGN
		// would become K, widening the range K-U+212D to cover ASCII punctuation).
		regexes: [
			'[\r\n]',
			'\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u{1F7D}ᾀ-ᾴᾶ-ᾼ\u{1FBE}ῂ-ῄῆ-ῌῐ-\u{1FD3}ῖ-\u{1FDB}ῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u{2126}ℨ\u{212A}-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+',
			'\\s?[!-/:-~！-／：-～‘-‟　-。]+',
			'\\s+$',
			CJK_SCRIPTS_DEEPSEEK,
			'\\p{N}+',
		],
		byteLevel: true,
	},
	DEEPSEEK3_LLM: { regexes: ['\\p{N}{1,3}', '[一-龥぀-ゟ゠-ヿ]+', DEEPSEEK3_WORDS], byteLevel: true },
	HUNYUAN_DENSE: { regexes: ['\\p{N}{1,3}', '[一-龥぀-ゟ゠-ヿ]+', DEEPSEEK3_WORDS], byteLevel: true },
	JOYAI_LLM: { regexes: ['\\p{N}{1,3}', '[一-龥぀-ゟ゠-ヿ]+', DEEPSEEK3_WORDS], byteLevel: true },
	YOUTU: {
		regexes: [
			'[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+',
			`[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+${CONTRACTION_SUFFIX}` +
				`|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*${CONTRACTION_SUFFIX}` +
				'|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
		],
		byteLevel: true,
	},
	DEEPSEEK_CODER: {
		regexes: ['[\r\n]', '\\s?\\p{L}+', '\\s?\\p{P}+', CJK_SCRIPTS_DEEPSEEK, '\\p{N}'],
		byteLevel: true,
	},
	FALCON: { regexes: ['[\\p{P}\\$\\+<=>\\^~\\|`]+', GPT2_WORDS, '[0-9][0-9][0-9]'], byteLevel: true },
	STARCODER: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	REFACT: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	COMMAND_R: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	SMOLLM: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	CODESHELL: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	EXAONE: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	MINERVA: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	MELLUM2: { regexes: ['\\p{N}', GPT2_WORDS], byteLevel: true },
	GPT2: { regexes: [GPT2_WORDS], byteLevel: true },
	MPT: { regexes: [GPT2_WORDS], byteLevel: true },
	OLMO: { regexes: [GPT2_WORDS], byteLevel: true },
	JAIS: { regexes: [GPT2_WORDS], byteLevel: true },
	TRILLION: { regexes: [GPT2_WORDS], byteLevel: true },
	GRANITE_DOCLING: { regexes: [GPT2_WORDS], byteLevel: true },
	STABLELM2: { regexes: [QWEN2_WORDS], byteLevel: true },
	QWEN2: { regexes: [QWEN2_WORDS], byteLevel: true },
	HUNYUAN: { regexes: [QWEN2_WORDS], byteLevel: true },
	SOLAR_OPEN: { regexes: [QWEN2_WORDS], byteLevel: true },
	QWEN35: {
		regexes: [
			`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
		],
		byteLevel: true,
	},
	PORO: { regexes: [BLOOM_WORDS], byteLevel: true },
	BLOOM: { regexes: [BLOOM_WORDS], byteLevel: true },
	GPT3_FINNISH: { regexes: [BLOOM_WORDS], byteLevel: true },
	CHATGLM4: { regexes: [LLAMA3_WORDS], byteLevel: true },
	VIKING: { regexes: [BLOOM_WORDS, '\\p{N}'], byteLevel: true },
	TEKKEN: {
		regexes: [
			'[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*' +
				'|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
		],
		byteLevel: true,
	},
	CHAMELEON: {
		regexes: [
			'<sentinel:[0-9]+>',
			'(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z',
			'([\\t\\n]|    |  )',
			'\\p{N}',
			'[\\p{P}!-/:-@\\[-`{-~]',
			GPT2_WORDS,
		],
		byteLevel: true,
	},
	GPT4O: { regexes: [gpt4oWords('\\p{L}')], byteLevel: true },
	MINIMAX_M2: { regexes: [gpt4oWords('\\p{L}')], byteLevel: true },
	GRANITE_EMB_MULTI: { regexes: [gpt4oWords('\\p{L}\\p{M}')], byteLevel: true },
	BAILINGMOE: {
		regexes: [
			"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+",
		],
		byteLevel: true,
	},
	SEED_CODER: {
		regexes: [
			`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
		],
		byteLevel: true,
	},
	GROK_2: { regexes: [QWEN2_WORDS], byteLevel: true },
	LAGUNA: { regexes: [NEWLINE_RUNS, QWEN2_WORDS], byteLevel: true },
	EXAONE_MOE: {
		regexes: [
			`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+`,
		],
		byteLevel: true,
	},
	GEMMA4: { regexes: [NEWLINE_RUNS], byteLevel: false },
	SARVAM_MOE: { regexes: [NEWLINE_RUNS], byteLevel: false },
	MINICPM5: {
		regexes: [
			'\\p{N}{1,3}',
			`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
		],
		byteLevel: true,
	},
};

/**
 * Pre-tokenizer types that llama.cpp splits with code of its own instead of a regex (Kimi K2's Han handling, AFMoE's
 * and Tiny Aya's digit grouping) or with regex features whose meaning differs between its engine and JavaScript's
 * (`\d`, `\b`). Vocabularies that use them are rejected, so their counts are estimated instead of wrong.
 */
export const UNSUPPORTED_PRE_TOKENIZER_TYPES: ReadonlySet<string> = new Set([
	'KIMI_K2',
	'AFMOE',
	'TINY_AYA',
	'SUPERBPE',
	'WHITESPACE',
]);

/** Settings a `tokenizer.ggml.pre` name selects: the pre-tokenizer type and flags that change the tokenization. */
export interface PreTokenizerName {
	readonly type: string;
	/** The whole piece becomes one token when it is in the vocabulary, without applying merges. */
	readonly ignoreMerges?: boolean;
	/** BOS is prepended when the GGUF has no `tokenizer.ggml.add_bos_token`. */
	readonly addBos?: boolean;
	/** Spaces become `▁` before the split. */
	readonly escapeWhitespace?: boolean;
	/** The vocabulary has no BOS token, whatever its metadata says. */
	readonly noBos?: boolean;
}

const LLAMA3_NAME: PreTokenizerName = { type: 'LLAMA3', ignoreMerges: true, addBos: true };
const GEMMA4_NAME: PreTokenizerName = { type: 'GEMMA4', escapeWhitespace: true };

/** `tokenizer.ggml.pre` names that llama.cpp accepts, with what each selects. A GGUF without the key is `default`. */
export const PRE_TOKENIZER_NAMES: Readonly<Record<string, PreTokenizerName>> = {
	default: { type: 'DEFAULT' },
	minicpm5: { type: 'MINICPM5', ignoreMerges: true },
	llama3: LLAMA3_NAME,
	'llama-v3': LLAMA3_NAME,
	'llama-bpe': LLAMA3_NAME,
	falcon3: LLAMA3_NAME,
	'falcon-h1': LLAMA3_NAME,
	pixtral: LLAMA3_NAME,
	'midm-2.0': LLAMA3_NAME,
	lfm2: LLAMA3_NAME,
	'jina-v5-nano': LLAMA3_NAME,
	'deepseek-llm': { type: 'DEEPSEEK_LLM' },
	'deepseek-coder': { type: 'DEEPSEEK_CODER' },
	'deepseek-v3': { type: 'DEEPSEEK3_LLM' },
	youtu: { type: 'YOUTU', ignoreMerges: true },
	falcon: { type: 'FALCON' },
	mpt: { type: 'MPT' },
	starcoder: { type: 'STARCODER' },
	'gpt-2': { type: 'GPT2' },
	'phi-2': { type: 'GPT2' },
	'jina-es': { type: 'GPT2' },
	'jina-de': { type: 'GPT2' },
	gigachat: { type: 'GPT2' },
	'jina-v2-es': { type: 'GPT2' },
	'jina-v2-de': { type: 'GPT2' },
	'a.x-4.0': { type: 'GPT2' },
	mellum: { type: 'GPT2' },
	'modern-bert': { type: 'GPT2' },
	'jais-2': { type: 'JAIS2' },
	gemma4: GEMMA4_NAME,
	'granite-embed-multi-311m': GEMMA4_NAME,
	'sarvam-moe': { type: 'SARVAM_MOE', escapeWhitespace: true },
	'jina-v1-en': { type: 'GPT2' },
	'jina-v2-code': { type: 'GPT2' },
	'roberta-bpe': { type: 'GPT2' },
	whitespace: { type: 'WHITESPACE' },
	refact: { type: 'REFACT' },
	'command-r': { type: 'COMMAND_R' },
	qwen2: { type: 'QWEN2' },
	'deepseek-r1-qwen': { type: 'QWEN2' },
	kormo: { type: 'QWEN2' },
	f2llmv2: { type: 'QWEN2' },
	qwen35: { type: 'QWEN35' },
	stablelm2: { type: 'STABLELM2' },
	olmo: { type: 'OLMO' },
	dbrx: { type: 'DBRX' },
	'smaug-bpe': { type: 'SMAUG' },
	'poro-chat': { type: 'PORO' },
	glm4: { type: 'CHATGLM4', noBos: true },
	'chatglm-bpe': { type: 'CHATGLM4', noBos: true },
	viking: { type: 'VIKING' },
	jais: { type: 'JAIS' },
	tekken: { type: 'TEKKEN', ignoreMerges: true, addBos: true },
	smollm: { type: 'SMOLLM' },
	codeshell: { type: 'CODESHELL' },
	bloom: { type: 'BLOOM' },
	'gpt3-finnish': { type: 'GPT3_FINNISH' },
	exaone: { type: 'EXAONE' },
	exaone4: { type: 'GPT2' },
	'exaone-moe': { type: 'EXAONE_MOE' },
	chameleon: { type: 'CHAMELEON', addBos: true },
	'minerva-7b': { type: 'MINERVA' },
	megrez: { type: 'QWEN2' },
	'gpt-4o': { type: 'GPT4O' },
	llama4: { type: 'GPT4O' },
	kanana2: { type: 'GPT4O' },
	talkie: { type: 'GPT4O' },
	'granite-embed-multi-97m': { type: 'GRANITE_EMB_MULTI', ignoreMerges: true },
	tiny_aya: { type: 'TINY_AYA' },
	cohere2moe: { type: 'TINY_AYA' },
	superbpe: { type: 'SUPERBPE' },
	trillion: { type: 'TRILLION' },
	'granite-docling': { type: 'GRANITE_DOCLING' },
	bailingmoe: { type: 'BAILINGMOE' },
	bailingmoe2: { type: 'BAILINGMOE' },
	'llada-moe': { type: 'BAILINGMOE' },
	'seed-coder': { type: 'SEED_CODER' },
	hunyuan: { type: 'HUNYUAN' },
	'hunyuan-dense': { type: 'HUNYUAN_DENSE' },
	'joyai-llm': { type: 'JOYAI_LLM' },
	'kimi-k2': { type: 'KIMI_K2' },
	'grok-2': { type: 'GROK_2' },
	afmoe: { type: 'AFMOE' },
	laguna: { type: 'LAGUNA' },
	'minimax-m2': { type: 'MINIMAX_M2' },
	'solar-open': { type: 'SOLAR_OPEN' },
	mellum2: { type: 'MELLUM2' },
};
