/**
 * Headings and sections of a Markdown document, found line by line without a full parser so that large files stay
 * cheap. ATX headings (`# Title`) count. Lines inside fenced code blocks and a leading YAML front matter block do not.
 * NOTE: setext headings (a line underlined with `===` or `---`) are not recognised.
 */

/** One ATX heading. Lines are 0-based and offsets count UTF-16 code units. */
export interface MarkdownHeading {
	/** 1 for `#`, up to 6 for `######`. */
	level: number;
	/** Heading text without the `#` markers and surrounding spaces. */
	title: string;
	line: number;
	/** Offset of the heading line's first character. */
	start: number;
	/** Offset after the heading line, including its line break. */
	contentStart: number;
}

/** A heading and the text under it, up to the next heading of the same or a higher level. */
export interface MarkdownSection {
	heading: MarkdownHeading;
	/** Offset of the heading line: the section includes it. */
	start: number;
	/** Offset where the next heading of the same or a higher level starts, or the end of the text. */
	end: number;
}

/** One line of a text, with offsets that count UTF-16 code units. */
export interface TextLine {
	index: number;
	start: number;
	/** Offset of the line break, or the end of the text on the last line. */
	end: number;
	/** Offset after the line break. */
	next: number;
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/** Yields each line of `text`. A `\r` before the `\n` is not part of the line. */
export function* textLines(text: string): Generator<TextLine> {
	let start = 0;
	for (let index = 0; start <= text.length; index++) {
		const newline = text.indexOf('\n', start);
		const next = newline === -1 ? text.length + 1 : newline + 1;
		let end = newline === -1 ? text.length : newline;
		if (end > start && text.charCodeAt(end - 1) === 13) {
			end--;
		}
		yield { index, start, end, next: Math.min(next, text.length) };
		if (newline === -1) {
			return;
		}
		start = next;
	}
}

/** Returns the ATX headings of a Markdown text in order, skipping fenced code and front matter. */
export function findMarkdownHeadings(text: string): MarkdownHeading[] {
	const headings: MarkdownHeading[] = [];
	let fence: string | undefined;
	let inFrontMatter = false;
	for (const line of textLines(text)) {
		const content = text.slice(line.start, line.end);
		if (line.index === 0 && content === '---') {
			inFrontMatter = true;
			continue;
		}
		if (inFrontMatter) {
			inFrontMatter = content !== '---' && content !== '...';
			continue;
		}
		if (fence) {
			if (closesFence(content, fence)) {
				fence = undefined;
			}
			continue;
		}
		const open = FENCE_OPEN.exec(content);
		if (open) {
			fence = open[1];
			continue;
		}
		const heading = ATX_HEADING.exec(content);
		if (heading) {
			headings.push({
				level: heading[1].length,
				title: (heading[2] ?? '').trim(),
				line: line.index,
				start: line.start,
				contentStart: line.next,
			});
		}
	}
	return headings;
}

/** Returns one section per heading. A section contains its subsections, so sections nest. */
export function findMarkdownSections(text: string): MarkdownSection[] {
	const sections = findMarkdownHeadings(text).map((heading) => ({ heading, start: heading.start, end: text.length }));
	// Sections still open, from the outermost. A heading closes every open section of its level or a deeper one.
	const open: MarkdownSection[] = [];
	for (const section of sections) {
		while (open.length > 0 && open[open.length - 1].heading.level >= section.heading.level) {
			const closed = open.pop();
			if (closed) {
				closed.end = section.start;
			}
		}
		open.push(section);
	}
	return sections;
}

/** Reports whether `line` closes `fence`: at least as many of the same character, with nothing after but spaces. */
function closesFence(line: string, fence: string): boolean {
	const trimmed = line.trim();
	if (line.length - line.trimStart().length > 3 || trimmed.length < fence.length) {
		return false;
	}
	for (const character of trimmed) {
		if (character !== fence[0]) {
			return false;
		}
	}
	return true;
}
