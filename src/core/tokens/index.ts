/**
 * Exact token counts for OpenAI encodings. For counting off the extension host's thread, import `./service`
 * instead, which keeps the encodings out of the importing bundle.
 */

export { countChatTokens, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, type ChatTokenMessage } from './chat';
export { DEFAULT_CHUNK_LENGTH, findSplitPoint, splitIntoChunks } from './chunks';
export { countTokens, decode, encode } from './count';
export { ENCODING_NAMES, isEncodingName, type EncodingName } from './encodings';
export { IncrementalTokenCounter, type EditRecount, type IncrementalTokenCounterOptions } from './incremental';
