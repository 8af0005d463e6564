/**
 * Tokens that the chat format adds around messages. OpenAI's cookbook ("How to count tokens with tiktoken") gives 3
 * tokens per message for current chat models plus 3 that prime the assistant's reply; other servers' chat templates
 * differ, so their figure is an estimate.
 */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

/** Returns the framing tokens of a request with `messageCount` messages. */
export function chatFramingTokens(messageCount: number): number {
	return messageCount * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS;
}
