/**
 * Word diffs for the results grid, computed in the page so that switching what the outputs are compared with needs no
 * round trip. The rules match the core's `wordDiff` (`core/compare/diff.ts`), which the page may not import.
 */

import { diffWords } from 'diff';

export interface DiffPart {
	kind: 'equal' | 'removed' | 'added';
	text: string;
}

/** Time spent diffing one pair, in milliseconds, after which the texts are shown as wholly replaced. */
const DIFF_TIMEOUT_MS = 200;

/** Diffs `before` against `after` word by word. `removed` parts are only in `before`, `added` parts only in `after`. */
export function wordDiff(before: string, after: string): DiffPart[] {
	const changes = diffWords(before, after, { timeout: DIFF_TIMEOUT_MS });
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

/** Renders a diff as text nodes in `<del>` and `<ins>` elements. */
export function renderDiff(parts: readonly DiffPart[]): DocumentFragment {
	const fragment = document.createDocumentFragment();
	for (const part of parts) {
		if (part.kind === 'equal') {
			fragment.append(part.text);
			continue;
		}
		const mark = document.createElement(part.kind === 'added' ? 'ins' : 'del');
		mark.textContent = part.text;
		fragment.append(mark);
	}
	return fragment;
}
