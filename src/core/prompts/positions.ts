/** Conversion from text offsets to the 1-based lines and columns of diagnostics. */

import type { Diagnostic } from '../compare/jsonl';

export type DiagnosticRange = Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>;

/** Line starts of a text, for converting UTF-16 offsets to 1-based lines and columns. */
export class LineIndex {
	private readonly starts: number[] = [0];

	constructor(text: string) {
		for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
			this.starts.push(index + 1);
		}
	}

	/** Returns the 1-based line and column of an offset. */
	position(offset: number): { line: number; column: number } {
		let low = 0;
		let high = this.starts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (this.starts[middle] <= offset) {
				low = middle;
			} else {
				high = middle - 1;
			}
		}
		return { line: low + 1, column: offset - this.starts[low] + 1 };
	}

	/** Returns the range from `start` to `end` (exclusive). */
	range(start: number, end: number): DiagnosticRange {
		const from = this.position(start);
		const to = this.position(Math.max(start, end));
		return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
	}
}
