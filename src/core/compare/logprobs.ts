/** Perplexity and mean negative log-likelihood from token log-probabilities. */

import type { TokenLogprob } from '../providers/types';
import type { LogprobFigures } from './types';

// NOTE: only generated outputs are scored. The perplexity of the expected output needs an API that scores a given
// text (prompt logprobs), which OpenAI's Chat Completions API does not offer.

/**
 * Computes the mean negative log-likelihood (nats per token) and perplexity, `exp(mean NLL)`, of the tokens. Returns
 * undefined for no tokens. Log-probabilities are natural logarithms, as OpenAI and llama-server report them.
 */
export function logprobFigures(tokens: readonly TokenLogprob[]): LogprobFigures | undefined {
	if (tokens.length === 0) {
		return undefined;
	}
	let sum = 0;
	for (const token of tokens) {
		sum += token.logprob;
	}
	const meanNll = -sum / tokens.length;
	return { tokens: tokens.length, meanNll, perplexity: Math.exp(meanNll) };
}
