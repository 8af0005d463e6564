/**
 * The context budget of one request: what it will send (system prompt, history, the new input and the chat framing)
 * plus the room reserved for the reply, against the window the server really runs with.
 */

export interface BudgetParts {
	systemTokens: number;
	historyTokens: number;
	inputTokens: number;
	/** Tokens the chat format adds around messages (role markers, separators, reply priming). */
	framingTokens: number;
	/** Room reserved for the reply (`max_tokens` or `num_predict`). */
	reservedTokens: number;
}

export type BudgetLevel = 'ok' | 'warning' | 'over';

export interface Budget extends BudgetParts {
	/** Prompt tokens: system, history, input and framing. */
	promptTokens: number;
	/** Prompt tokens plus the reserved reply. */
	totalTokens: number;
	contextWindow?: number;
	/** Tokens left after the prompt and the reserved reply; negative when it does not fit. */
	remainingTokens?: number;
	level: BudgetLevel;
}

/** Share of the window at which the meter turns to a warning. */
export const WARNING_SHARE = 0.85;

/** Computes the budget; without a known window the level stays `ok` because nothing can be checked. */
export function computeBudget(parts: BudgetParts, contextWindow: number | undefined): Budget {
	const promptTokens = parts.systemTokens + parts.historyTokens + parts.inputTokens + parts.framingTokens;
	const totalTokens = promptTokens + parts.reservedTokens;
	if (!contextWindow || contextWindow <= 0) {
		return { ...parts, promptTokens, totalTokens, level: 'ok' };
	}
	const remainingTokens = contextWindow - totalTokens;
	let level: BudgetLevel = 'ok';
	if (remainingTokens < 0) {
		level = 'over';
	} else if (totalTokens >= contextWindow * WARNING_SHARE) {
		level = 'warning';
	}
	return { ...parts, promptTokens, totalTokens, contextWindow, remainingTokens, level };
}

/**
 * Returns how many of the oldest history messages must be dropped so that the request fits, or undefined when even
 * an empty history does not fit. `historyMessageTokens` lists each message's tokens, oldest first.
 */
export function countMessagesToTrim(budget: Budget, historyMessageTokens: readonly number[]): number | undefined {
	if (budget.remainingTokens === undefined || budget.remainingTokens >= 0) {
		return 0;
	}
	let excess = -budget.remainingTokens;
	for (let index = 0; index < historyMessageTokens.length; index++) {
		excess -= historyMessageTokens[index];
		if (excess <= 0) {
			return index + 1;
		}
	}
	return undefined;
}
