/**
 * Exact tokenizers for local models, built from the GGUF vocabulary that Ollama's `/api/show` (with `verbose: true`)
 * or a `.gguf` file contains. Token ids equal llama.cpp's for three tokenizer models: `gpt2` (byte-level BPE with
 * llama.cpp's pre-tokenizer for `tokenizer.ggml.pre`), `llama` (SentencePiece) and `gemma4`. The tests check them
 * against node-llama-cpp on every vocab-only GGUF of llama.cpp's source tree that uses one of those models.
 *
 * - `buildGgufTokenizer(metadata)` returns a `GgufTokenizer`: `encode(text, { parseSpecial, addSpecial })`,
 *   `count(text)`, `decode(ids)`, `bosToken` and `exact: true`. Special-token strings in the text count as text
 *   unless `parseSpecial` is set. BOS is added only with `addSpecial`; `bosToken.prepended` says whether llama.cpp
 *   adds it to every prompt.
 * - `GgufTokenizerCache` stores built tokenizers on disk by model digest, in a folder the caller chooses.
 * - `fetchOllamaTokenizer(host, model, { cacheDir, signal, fetch })` finds the model's digest in `/api/tags` and
 *   returns the cached tokenizer, or builds one from `/api/show` and caches it.
 *
 * A vocabulary that cannot be tokenized exactly raises `UnsupportedTokenizerError`, so callers fall back to an
 * estimate that they label as one, never to a silent GPT count.
 */

export { GgufTokenizerCache, normalizeDigest } from './cache';
export { GgufTokenizerError, InvalidTokenizerMetadataError, UnsupportedTokenizerError } from './errors';
export { fetchOllamaTokenizer, type FetchOllamaTokenizerOptions, type OllamaTokenizer } from './ollama';
export { deriveTokenizerSpec, type GgufMetadata, type GgufTokenizerModel, type GgufTokenizerSpec } from './spec';
export {
	buildGgufTokenizer,
	createGgufTokenizer,
	type GgufBosToken,
	type GgufEncodeOptions,
	type GgufTokenizer,
} from './tokenizer';
