/** Word-level differences between an output and the expected output, or between two variants' outputs. */

import { diffWords } from 'diff';

/** One run of text that both sides share, or that only one side has. */
export interface DiffPart {
	kind: 'equal' | 'removed' | 'added';
	text: string;
}

/**
 * Maximum time spent diffing one pair, in milliseconds. Past it the texts are shown as wholly replaced, which keeps a
 * grid of long outputs responsive.
 */
const DIFF_TIMEOUT_MS = 200;

/**
 * Diffs `before` (the expected output, or the first variant's) against `after` word by word with the `diff` package's
 * `diffWords`. `removed` parts are only in `before`, `added` parts only in `after`.
 */
export function wordDiff(before: string, after: string, options: { ignoreCase?: boolean } = {}): DiffPart[] {
	const changes = diffWords(before, after, { ignoreCase: options.ignoreCase, timeout: DIFF_TIMEOUT_MS });
	if (!changes) {
		return [
			...(before === '' ? [] : [{ kind: 'removed' as const, text: before }]),
			...(after === '' ? [] : [{ kind: 'added' as const, text: after }]),
		];
	}
	return changes.map((change) => ({ kind: kindOf(change), text: change.value }));
}

function kindOf(change: { added: boolean; removed: boolean }): DiffPart['kind'] {
	if (change.added) {
		return 'added';
	}
	return change.removed ? 'removed' : 'equal';
}
