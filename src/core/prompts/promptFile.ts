/**
 * Messages of a `*.prompt.md` file: each `## system`, `## user` or `## assistant` heading (any case) starts a message,
 * whose content runs to the next such heading. Text before the first one belongs to no message.
 * NOTE: this reads only the message structure. Variables, front matter options and other message fields are not
 * parsed yet.
 */

import { findMarkdownHeadings } from '../text/markdown';

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
