/**
 * The structure of a `*.prompt.md` file: its YAML front matter block, its messages and the `{{variables}}` in them.
 * Each `## system`, `## user` or `## assistant` heading (any case) starts a message, whose content runs to the next
 * such heading. Text before the first one belongs to no message. The front matter's options are read by
 * `frontMatter.ts`.
 */

import { findMarkdownHeadings, textLines } from '../text/markdown';

export type PromptRole = 'system' | 'user' | 'assistant';

/** One message. Lines are 0-based and offsets count UTF-16 code units. */
export interface PromptMessage {
	role: PromptRole;
	/** Line of the `## role` heading. */
	headingLine: number;
	/** Offset of the heading line. */
	start: number;
	/** Offset where the content starts, after the heading line and any blank space. */
	contentStart: number;
	/** Offset where the content ends, before any trailing blank space. */
	contentEnd: number;
	/** Offset where the next message's heading starts, or the end of the text. */
	end: number;
	/** The content without leading and trailing blank space: the text that is sent. */
	content: string;
}

const ROLES: readonly PromptRole[] = ['system', 'user', 'assistant'];

/** Reports whether a file name is a prompt file's. */
export function isPromptFileName(fileName: string): boolean {
	return fileName.toLowerCase().endsWith('.prompt.md');
}

/** Returns the messages of a prompt file in order. */
export function parsePromptFile(text: string): PromptMessage[] {
	const headings = findMarkdownHeadings(text).filter(
		(heading) => heading.level === 2 && ROLES.includes(heading.title.toLowerCase() as PromptRole),
	);
	return headings.map((heading, index) => {
		const end = index + 1 < headings.length ? headings[index + 1].start : text.length;
		const raw = text.slice(heading.contentStart, end);
		const content = raw.trim();
		const contentStart = heading.contentStart + (raw.length - raw.trimStart().length);
		return {
			role: heading.title.toLowerCase() as PromptRole,
			headingLine: heading.line,
			start: heading.start,
			contentStart,
			contentEnd: contentStart + content.length,
			end,
			content,
		};
	});
}

/** The front matter block: a `---` first line, up to the next `---` or `...` line. Offsets count UTF-16 code units. */
export interface FrontMatterBlock {
	/** Offset of the YAML text, after the opening line. */
	start: number;
	/** Offset where the YAML text ends: the start of the closing line, or the end of the text when there is none. */
	end: number;
	/** False when no closing line follows, so Markdown reads the whole file as front matter. */
	closed: boolean;
}

/**
 * Returns the front matter block, or undefined when the first line is not `---`. The rule is the one
 * `findMarkdownHeadings` follows.
 */
export function findFrontMatter(text: string): FrontMatterBlock | undefined {
	let start: number | undefined;
	for (const line of textLines(text)) {
		const content = text.slice(line.start, line.end);
		if (start === undefined) {
			if (content !== '---') {
				return undefined;
			}
			start = line.next;
			continue;
		}
		if (content === '---' || content === '...') {
			return { start, end: line.start, closed: true };
		}
	}
	return start === undefined ? undefined : { start, end: text.length, closed: false };
}

/** One `{{name}}` in a text. */
export interface Placeholder {
	name: string;
	/** Offset of the opening braces. */
	start: number;
	/** Offset after the closing braces. */
	end: number;
}

/**
 * `{{name}}`, with optional spaces inside the braces. The grammar of the comparison engine's `renderTemplate`, which
 * fills these placeholders, so that every name found here is one it fills.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Pattern of a variable name that a placeholder can refer to. */
export const VARIABLE_NAME = /^[A-Za-z_][\w.-]*$/;

/** Returns the placeholders between `start` and `end` of a text, in order. */
export function findPlaceholders(text: string, start = 0, end = text.length): Placeholder[] {
	const placeholders: Placeholder[] = [];
	for (const match of text.slice(start, end).matchAll(PLACEHOLDER)) {
		const offset = start + (match.index ?? 0);
		placeholders.push({ name: match[1], start: offset, end: offset + match[0].length });
	}
	return placeholders;
}

/** Replaces each placeholder that has a value in `values`; the others stay as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
	return text.replace(PLACEHOLDER, (placeholder, name: string) => values[name] ?? placeholder);
}
