import { countTokens } from './count';
import type { EncodingName } from './encodings';

/** One message as OpenAI's chat completions API receives it. */
export interface ChatTokenMessage {
	role: string;
	content: string;
	/** Optional participant name, which costs its own tokens plus `TOKENS_PER_NAME`. */
	name?: string;
}

// Framing from `num_tokens_from_messages` in the OpenAI Cookbook notebook
// `examples/How_to_count_tokens_with_tiktoken.ipynb` (github.com/openai/openai-cookbook), section 6. The notebook
// gives these values for gpt-3.5-turbo-0613 and the gpt-4 models, and its example conversation comes to 129 prompt
// tokens both by that function and in the API's `usage.prompt_tokens`. gpt-3.5-turbo-0301 used 4 per message and -1
// per name; that model is retired and not handled here.
// NOTE: models on o200k_base (gpt-4o and later) are assumed to use the same framing; nothing here checks it against
// the API.

/** Tokens that frame every message: a start marker, the role and an end marker. */
export const TOKENS_PER_MESSAGE = 3;
/** Extra tokens for a message that carries a `name`. */
export const TOKENS_PER_NAME = 1;
/** Tokens that prime the reply (`<|start|>assistant<|message|>`). */
export const REPLY_PRIMING_TOKENS = 3;

/**
 * Counts the prompt tokens OpenAI's chat models bill for `messages`: each message's role, content and name, the
 * per-message framing and the reply priming. Tools, images and response formats add tokens this does not count.
 */
export function countChatTokens(messages: readonly ChatTokenMessage[], encoding: EncodingName): number {
	let total = REPLY_PRIMING_TOKENS;
	for (const message of messages) {
		total += TOKENS_PER_MESSAGE + countTokens(message.role, encoding) + countTokens(message.content, encoding);
		if (message.name !== undefined) {
			total += TOKENS_PER_NAME + countTokens(message.name, encoding);
		}
	}
	return total;
}
