/**
 * The plan for one chat request: the messages it will send and their budget against the model's real window, with
 * the ways to make it fit when it does not.
 */

import { type Budget, computeBudget, countMessagesToTrim } from '../budget/budget';
import { chatFramingTokens } from '../budget/framing';
import type { ModelProfile } from '../models/profile';
import { raisedNumCtx } from '../models/window';
import type { ChatMessage } from '../providers/types';

export interface RequestPlanInput {
	profile: ModelProfile;
	systemPrompt?: string;
	/** Earlier messages, oldest first. */
	history: ChatMessage[];
	input: string;
	/** Room reserved for the reply. */
	reservedTokens: number;
	/** Counts one text with the model's tokenizer. */
	count: (text: string) => Promise<number>;
	/** Framing tokens of a request with this many messages. @default OpenAI's: 3 per message plus 3 */
	framing?: (messageCount: number) => number;
}

export interface RequestPlan {
	messages: ChatMessage[];
	budget: Budget;
	/** Tokens of each history message, oldest first. */
	historyTokens: number[];
	/** When over budget: how many of the oldest messages to drop so it fits, or undefined when that is not enough. */
	trimCount?: number;
	/** When over budget on Ollama: the `num_ctx` that would fit, or undefined when the trained length is too small. */
	raiseNumCtxTo?: number;
}

/** Counts every part of the request and checks it against the profile's window. */
export async function planRequest(input: RequestPlanInput): Promise<RequestPlan> {
	const [systemTokens, inputTokens, ...historyTokens] = await Promise.all([
		input.systemPrompt ? input.count(input.systemPrompt) : Promise.resolve(0),
		input.count(input.input),
		...input.history.map((message) => input.count(message.content)),
	]);
	return buildPlan(input, systemTokens, inputTokens, historyTokens, 0);
}

/** Returns the plan without its `count` oldest history messages. */
export function trimPlan(plan: RequestPlan, input: RequestPlanInput, count: number): RequestPlan {
	const systemTokens = plan.budget.systemTokens;
	return buildPlan(input, systemTokens, plan.budget.inputTokens, plan.historyTokens, count);
}

function buildPlan(
	input: RequestPlanInput,
	systemTokens: number,
	inputTokens: number,
	allHistoryTokens: number[],
	dropped: number,
): RequestPlan {
	const history = input.history.slice(dropped);
	const historyTokens = allHistoryTokens.slice(dropped);
	const system: ChatMessage[] = input.systemPrompt ? [{ role: 'system', content: input.systemPrompt }] : [];
	const messages: ChatMessage[] = [...system, ...history, { role: 'user', content: input.input }];
	const budget = computeBudget(
		{
			systemTokens,
			historyTokens: historyTokens.reduce((sum, value) => sum + value, 0),
			inputTokens,
			framingTokens: (input.framing ?? chatFramingTokens)(messages.length),
			reservedTokens: input.reservedTokens,
		},
		input.profile.contextWindow,
	);
	const plan: RequestPlan = { messages, budget, historyTokens };
	if (budget.level === 'over') {
		plan.trimCount = wholeTurns(history, countMessagesToTrim(budget, historyTokens));
		if (input.profile.providerKind === 'ollama') {
			plan.raiseNumCtxTo = raisedNumCtx(budget.totalTokens, input.profile.trainedContextWindow);
		}
	}
	return plan;
}

/**
 * Widens a trim so that the kept history starts with a user message, because many chat templates reject a
 * conversation that opens with the assistant. Returns undefined when nothing would be left but replies.
 */
function wholeTurns(history: ChatMessage[], count: number | undefined): number | undefined {
	if (count === undefined) {
		return undefined;
	}
	let widened = count;
	while (widened < history.length && history[widened].role !== 'user') {
		widened++;
	}
	return widened;
}
