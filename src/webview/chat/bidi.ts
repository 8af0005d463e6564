/**
 * Makes Unicode bidirectional embedding, override and isolate controls visible. Left in text, they reorder
 * what follows them, so a reply could show "evil.exe" as "exe.live" or hide code inside a comment.
 */

import { type ChatStrings, formatString } from './strings';

/** U+202A–U+202E (embeddings, pop, overrides) and U+2066–U+2069 (isolates, pop). */
const bidiControlPattern = /[\u202A-\u202E\u2066-\u2069]/;
const bidiControlSplitPattern = /([\u202A-\u202E\u2066-\u2069])/;

/** Returns `U+202E` for a one-code-unit character. */
function formatCodePoint(character: string): string {
	return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Creates nodes for `text` in which each bidi control is replaced by a marked `⟨U+202E⟩` span. */
export function createTextWithVisibleControls(text: string, strings: ChatStrings): Node[] {
	if (!bidiControlPattern.test(text)) {
		return [document.createTextNode(text)];
	}
	const nodes: Node[] = [];
	// With a capturing group, odd indexes are the controls and even indexes the text between them.
	const parts = text.split(bidiControlSplitPattern);
	for (const [index, part] of parts.entries()) {
		if (index % 2 === 0) {
			if (part) {
				nodes.push(document.createTextNode(part));
			}
			continue;
		}
		const codePoint = formatCodePoint(part);
		const marker = document.createElement('span');
		marker.className = 'bidi-control';
		marker.textContent = `⟨${codePoint}⟩`;
		marker.title = formatString(strings.bidiControlTitle, codePoint);
		nodes.push(marker);
	}
	return nodes;
}

/** Replaces every bidi control in the text nodes under `root` with a visible marker. */
export function revealBidiControls(root: Node, strings: ChatStrings): void {
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	const matches: Text[] = [];
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		if (bidiControlPattern.test(node.nodeValue ?? '')) {
			matches.push(node as Text);
		}
	}
	for (const node of matches) {
		node.replaceWith(...createTextWithVisibleControls(node.nodeValue ?? '', strings));
	}
}
