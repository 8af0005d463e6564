/** Showing tokens to a reader: visible whitespace, byte lists and the colouring of neighbouring tokens. */

const VISIBLE_WHITESPACE: Record<string, string> = {
	' ': '·',
	'\t': '→',
	'\n': '↵',
	'\r': '␍',
};

/**
 * Characters that are invisible or change the layout of the text around them: spaces, controls, no-break and
 * zero-width spaces, joiners, bidirectional controls, variation selectors, the byte order mark and lone surrogates.
 */
const INVISIBLE = /[ \u0000-\u001f\u007f-\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Returns a token's text with whitespace drawn as `·` (space), `→` (tab), `↵` (line feed) and `␍` (carriage
 * return), and other invisible characters written as `\u{200D}`.
 */
export function visibleTokenText(text: string): string {
	return text.replace(INVISIBLE, (character) => {
		return VISIBLE_WHITESPACE[character] ?? `\\u{${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}}`;
	});
}

/** Formats bytes as lowercase hex pairs separated by spaces: `e4 b8`. */
export function formatBytes(bytes: readonly number[]): string {
	return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** Returns a Markdown code span that shows `text` literally, whatever backticks it contains. */
export function markdownCodeSpan(text: string): string {
	const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(longestRun + 1);
	// CommonMark strips one space at each end of a code span, which lets it start or end with a backtick.
	const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
	return `${fence}${padding}${text}${padding}${fence}`;
}

/**
 * Returns 0 or 1 for each token, alternating between neighbours, given the line each token starts on. The sequence
 * restarts at 0 with the first token that starts on a new line, so a token keeps its colour when the visible range,
 * and with it the first token, changes.
 */
export function alternatingColours(startLines: readonly number[]): number[] {
	const colours: number[] = [];
	for (const [index, line] of startLines.entries()) {
		const restart = index === 0 || line !== startLines[index - 1];
		colours.push(restart ? 0 : 1 - colours[index - 1]);
	}
	return colours;
}
