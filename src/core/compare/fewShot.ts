/** Few-shot examples taken from a fine-tuning file: the first N, or N drawn at random with a seed. */

import { CompareInputError } from '../errors';
import type { ChatExample } from './finetune';
import type { FewShotExample, FewShotSource } from './types';

/**
 * Picks examples from a fine-tuning file's conversations. System messages are dropped, because the variant has its own
 * system prompt, and only conversations that end with an assistant message are eligible. The same seed always picks
 * the same examples in the same order.
 */
export function pickFewShotExamples(
	conversations: readonly ChatExample[],
	source: Pick<FewShotSource, 'count' | 'pick' | 'seed'>,
): FewShotExample[] {
	const eligible = conversations
		.map((conversation) => conversation.messages.filter((message) => message.role !== 'system'))
		.filter((messages) => messages.length >= 2 && messages[messages.length - 1].role === 'assistant');
	if (!Number.isInteger(source.count) || source.count < 0) {
		throw new CompareInputError(`Invalid few-shot count ${source.count}: expected a whole number of 0 or more.`);
	}
	if (source.count > eligible.length) {
		throw new CompareInputError(
			`The fine-tuning file has ${eligible.length} usable examples, fewer than the ${source.count} requested. ` +
				'Lower the count or add examples.',
		);
	}
	if (source.pick === 'first') {
		return eligible.slice(0, source.count).map((messages) => ({ messages }));
	}
	const random = seededRandom(source.seed ?? 0);
	// Partial Fisher-Yates shuffle: the first `count` positions end up with a uniform sample in random order.
	const order = eligible.map((_, index) => index);
	for (let index = 0; index < source.count; index++) {
		const swap = index + Math.floor(random() * (order.length - index));
		[order[index], order[swap]] = [order[swap], order[index]];
	}
	return order.slice(0, source.count).map((index) => ({ messages: eligible[index] }));
}

/**
 * Returns a generator of uniform numbers in [0, 1) from a 32-bit seed: a Weyl sequence passed through MurmurHash3's
 * 32-bit finalizer. Unlike `Math.random` it is deterministic, so a saved seed picks the same examples everywhere.
 */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x9e3779b9) >>> 0;
		let mixed = state;
		mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
		mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
		mixed = (mixed ^ (mixed >>> 16)) >>> 0;
		return mixed / 0x1_0000_0000;
	};
}
