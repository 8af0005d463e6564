/**
 * JSONL reading with positions. Each line is parsed with jsonc-parser in strict JSON mode, so a syntax error becomes a
 * diagnostic at its line and column. The parse tree locates each value in its line for diagnostics and quick fixes.
 */

import { type Node, type ParseError, type ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser';

/** A problem in a file, positioned for the editor. Lines and columns are 1-based and count UTF-16 code units. */
export interface Diagnostic {
	line: number;
	column: number;
	endLine: number;
	endColumn: number;
	severity: 'error' | 'warning';
	/** Stable id of the rule, such as `json-syntax` or `unknown-role`. */
	code: string;
	message: string;
	fix?: QuickFix;
}

/** A single-line text replacement offered as a quick fix. */
export interface QuickFix {
	title: string;
	line: number;
	column: number;
	endColumn: number;
	newText: string;
}

/** One non-blank line of a JSONL file. `tree` is set when the line is valid JSON. */
export interface JsonlLine {
	/** 1-based line number. */
	line: number;
	text: string;
	tree?: Node;
	value?: unknown;
}

const strictJson = { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false };

/** Splits a JSONL text into lines and parses each one. Syntax errors and blank lines become diagnostics. */
export function parseJsonl(text: string): { lines: JsonlLine[]; diagnostics: Diagnostic[] } {
	const lines: JsonlLine[] = [];
	const diagnostics: Diagnostic[] = [];
	const rawLines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	// A final newline ends the last line; it does not start an empty one.
	if (rawLines.length > 0 && rawLines[rawLines.length - 1] === '') {
		rawLines.pop();
	}
	rawLines.forEach((lineText, index) => {
		const line = index + 1;
		if (lineText.trim() === '') {
			diagnostics.push({
				...span(line, 1, 1),
				severity: 'warning',
				code: 'blank-line',
				message: 'Blank line: JSONL expects one JSON value on every line. Remove the line.',
			});
			return;
		}
		const errors: ParseError[] = [];
		const tree = parseTree(lineText, errors, strictJson);
		if (errors.length > 0) {
			diagnostics.push(syntaxDiagnostic(lineText, line, errors[0]));
			lines.push({ line, text: lineText });
			return;
		}
		lines.push({ line, text: lineText, tree, value: JSON.parse(lineText) });
	});
	return { lines, diagnostics };
}

/** Builds the diagnostic for a line's first syntax error; a comma before `}` or `]` gets its own message and fix. */
function syntaxDiagnostic(text: string, line: number, error: ParseError): Diagnostic {
	const comma = trailingCommaBefore(text, error.offset);
	if (comma !== undefined) {
		const closer = text[error.offset];
		return {
			...span(line, comma + 1, comma + 2),
			severity: 'error',
			code: 'trailing-comma',
			message: `Trailing comma before "${closer}": JSON allows no comma after the last ${closer === '}' ? 'property' : 'element'}.`,
			fix: { title: 'Remove the trailing comma', line, column: comma + 1, endColumn: comma + 2, newText: '' },
		};
	}
	const column = Math.min(error.offset, text.length) + 1;
	return {
		...span(line, column, column + Math.max(1, error.length)),
		severity: 'error',
		code: 'json-syntax',
		message: `Invalid JSON: ${describeParseError(error.error)} at column ${column}.`,
	};
}

/** Returns the offset of a comma that directly precedes a `}` or `]` at `offset`, ignoring whitespace between them. */
function trailingCommaBefore(text: string, offset: number): number | undefined {
	if (text[offset] !== '}' && text[offset] !== ']') {
		return undefined;
	}
	let index = offset - 1;
	while (index >= 0 && /\s/.test(text[index])) {
		index--;
	}
	return text[index] === ',' ? index : undefined;
}

/** Plain-language text for jsonc-parser's error names, as `printParseErrorCode` returns them. */
const parseErrorText: Record<string, string> = {
	InvalidSymbol: 'unexpected character',
	InvalidNumberFormat: 'invalid number',
	PropertyNameExpected: 'a property name in double quotes is expected',
	ValueExpected: 'a value is expected',
	ColonExpected: 'a colon is expected',
	CommaExpected: 'a comma is expected',
	CloseBraceExpected: 'a closing "}" is expected',
	CloseBracketExpected: 'a closing "]" is expected',
	EndOfFileExpected: 'the line continues after the JSON value',
	InvalidCommentToken: 'comments are not allowed',
	UnexpectedEndOfComment: 'comments are not allowed',
	UnexpectedEndOfString: 'the string is not closed',
	UnexpectedEndOfNumber: 'the number is incomplete',
	InvalidUnicode: 'invalid \\u escape',
	InvalidEscapeCharacter: 'invalid escape character',
	InvalidCharacter: 'invalid character in a string',
};

function describeParseError(code: ParseErrorCode): string {
	const name = printParseErrorCode(code);
	return parseErrorText[name] ?? name;
}

/** Returns a single-line range from `column` to `endColumn` (exclusive). */
export function span(line: number, column: number, endColumn: number): Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
	return { line, column, endLine: line, endColumn };
}

/** Returns the range of a node within its line. */
export function nodeSpan(line: number, node: Node): Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
	return span(line, node.offset + 1, node.offset + node.length + 1);
}
