/**
 * The results grid: a row per dataset row and a column per variant. Rows have one fixed height, and only those in or
 * near the viewport exist in the DOM, so a run of thousands of rows scrolls as fast as one of ten. Rows are placed by
 * their index, so the order in which results arrive never changes where they show.
 */

import { type CellContent, type RenderMarkdown, renderCell } from './cells';
import { element } from './dom';
import type { OutputDelta, RowView, RunRecord, RunView } from './protocol';
import { type CompareStrings, formatString } from './strings';
import type { ViewMode } from './vscodeApi';

/** Height of a row in pixels; cells scroll inside it. Keep in step with `--row-height` in `media/compare.css`. */
export const ROW_HEIGHT = 176;
/** Rows built above and below the viewport, so a short scroll shows rows that already exist. */
const OVERSCAN_ROWS = 4;
/** Viewport height assumed before the page has been laid out. */
const FALLBACK_VIEWPORT_HEIGHT = 600;
/** Rendered Markdown kept for rows that scroll out and back in. */
const MARKDOWN_CACHE_SIZE = 600;
/**
 * Time without a scroll event after which scrolling counts as ended, in milliseconds. While it goes on, rows that
 * scroll in show outputs as plain text unless their Markdown is cached, and are rendered fully once it ends.
 */
const SCROLL_SETTLE_MS = 120;

function pairKey(row: number, variant: string): string {
	return `${row}\u0000${variant}`;
}

export class ResultsGrid {
	private run: RunView | undefined;
	private readonly records = new Map<string, RunRecord>();
	private readonly streaming = new Map<string, string>();
	private readonly mounted = new Map<number, HTMLElement>();
	private readonly dirtyRows = new Set<number>();
	private readonly markdownCache = new Map<string, DocumentFragment>();
	private frameRequested = false;
	private scrolling = false;
	private scrollTimer: ReturnType<typeof setTimeout> | undefined;
	/** Rows built while scrolling with some output as plain text, to render again once scrolling ends. */
	private readonly plainRows = new Set<number>();
	/** Set while a row is built during scrolling, when one of its outputs was shown as plain text. */
	private builtPlain = false;
	private mode: ViewMode = 'output';
	private diffBase: string | undefined;
	private readonly header: HTMLElement;
	private readonly viewport: HTMLElement;
	private readonly spacer: HTMLElement;

	constructor(
		private readonly root: HTMLElement,
		private readonly renderMarkdown: RenderMarkdown,
		private readonly strings: CompareStrings,
	) {
		this.header = element('div', { className: 'grid-header', attributes: { role: 'row', 'aria-rowindex': '1' } });
		this.spacer = element('div', { className: 'grid-spacer', attributes: { role: 'rowgroup' } });
		this.viewport = element('div', { className: 'grid-viewport', attributes: { tabindex: '0' } }, [this.spacer]);
		root.setAttribute('role', 'grid');
		root.replaceChildren(this.header, this.viewport);
		this.viewport.addEventListener('scroll', () => {
			this.header.scrollLeft = this.viewport.scrollLeft;
			this.scrolling = true;
			clearTimeout(this.scrollTimer);
			this.scrollTimer = setTimeout(() => this.scrollEnded(), SCROLL_SETTLE_MS);
			this.requestFrame();
		});
		new ResizeObserver(() => {
			this.alignHeader();
			this.requestFrame();
		}).observe(this.viewport);
	}

	/** Shows a run, replacing the one shown, and builds the rows in view at once. */
	show(run: RunView): void {
		this.run = run;
		this.records.clear();
		this.streaming.clear();
		for (const record of run.records) {
			this.records.set(pairKey(record.row, record.variant), record);
		}
		for (const delta of run.partial) {
			this.streaming.set(pairKey(delta.row, delta.variant), delta.text);
		}
		for (const row of this.mounted.values()) {
			row.remove();
		}
		this.mounted.clear();
		this.dirtyRows.clear();
		const columns = `4.5em minmax(12em, 1fr) repeat(${run.variants.length}, minmax(16em, 2fr))`;
		this.root.style.setProperty('--grid-columns', columns);
		// Rows are positioned absolutely, so the spacer gets the columns' least width to scroll sideways.
		this.root.style.setProperty('--grid-min-width', `${4.5 + 12 + 16 * run.variants.length}em`);
		this.root.setAttribute('aria-rowcount', String(run.rows.length + 1));
		this.root.setAttribute('aria-colcount', String(run.variants.length + 2));
		this.root.classList.toggle('grid-single', run.rows.length === 1);
		this.renderHeader(run);
		this.spacer.style.height = run.rows.length === 1 ? '' : `${run.rows.length * ROW_HEIGHT}px`;
		this.viewport.scrollTop = 0;
		this.renderWindow();
		this.alignHeader();
	}

	/** Appends streamed text; a delta with `reset` starts the cell's text again. */
	applyDeltas(deltas: readonly OutputDelta[]): void {
		for (const delta of deltas) {
			const key = pairKey(delta.row, delta.variant);
			this.streaming.set(key, delta.reset ? delta.text : (this.streaming.get(key) ?? '') + delta.text);
			this.markDirty(delta.row);
		}
	}

	applyRecords(records: readonly RunRecord[]): void {
		for (const record of records) {
			const key = pairKey(record.row, record.variant);
			this.records.set(key, record);
			this.streaming.delete(key);
			this.markDirty(record.row);
		}
	}

	/** Ends streaming: cells of calls that were stopped show their last record, or nothing. */
	finish(): void {
		this.streaming.clear();
		for (const index of this.mounted.keys()) {
			this.markDirty(index);
		}
	}

	/** Changes what the cells show and rebuilds the rows in view. */
	setMode(mode: ViewMode, diffBase: string | undefined): void {
		this.mode = mode;
		this.diffBase = diffBase;
		for (const index of this.mounted.keys()) {
			this.markDirty(index);
		}
	}

	/** Rows that exist in the DOM now. */
	mountedRowCount(): number {
		return this.mounted.size;
	}

	/** Keeps the header's columns over the rows' columns: the rows lose the vertical scrollbar's width. */
	private alignHeader(): void {
		const scrollbar = this.viewport.offsetWidth - this.viewport.clientWidth;
		this.header.style.paddingRight = `${scrollbar}px`;
	}

	private scrollEnded(): void {
		this.scrolling = false;
		for (const index of this.plainRows) {
			this.markDirty(index);
		}
		this.plainRows.clear();
	}

	private markDirty(index: number): void {
		if (this.mounted.has(index)) {
			this.dirtyRows.add(index);
			this.requestFrame();
		}
	}

	private requestFrame(): void {
		if (this.frameRequested) {
			return;
		}
		this.frameRequested = true;
		requestAnimationFrame(() => {
			this.frameRequested = false;
			this.renderWindow();
		});
	}

	/** Builds the rows that came into view, drops those that left, and redraws rows whose results changed. */
	private renderWindow(): void {
		const run = this.run;
		if (!run) {
			return;
		}
		const { first, last } = this.visibleRange(run.rows.length);
		for (const [index, row] of this.mounted) {
			if (index < first || index > last) {
				row.remove();
				this.mounted.delete(index);
				this.plainRows.delete(index);
			}
		}
		for (let index = first; index <= last; index++) {
			const existing = this.mounted.get(index);
			if (!existing) {
				const row = this.buildRow(run, run.rows[index]);
				this.mounted.set(index, row);
				this.spacer.append(row);
			} else if (this.dirtyRows.has(index)) {
				this.fillResultCells(run, run.rows[index], existing);
			}
		}
		this.dirtyRows.clear();
		this.root.dataset.mountedRows = String(this.mounted.size);
	}

	private visibleRange(rowCount: number): { first: number; last: number } {
		if (rowCount <= 1) {
			return { first: 0, last: rowCount - 1 };
		}
		const height = this.viewport.clientHeight || FALLBACK_VIEWPORT_HEIGHT;
		const top = this.viewport.scrollTop;
		return {
			first: Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN_ROWS),
			last: Math.min(rowCount - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN_ROWS),
		};
	}

	private renderHeader(run: RunView): void {
		const cells = [
			element('div', { className: 'grid-cell', text: this.strings.rowColumn, attributes: { role: 'columnheader' } }),
			element('div', { className: 'grid-cell', text: this.strings.inputColumn, attributes: { role: 'columnheader' } }),
			...run.variants.map((variant) =>
				element('div', { className: 'grid-cell', attributes: { role: 'columnheader', title: variant.model } }, [
					element('span', { className: 'column-label', text: variant.label }),
					element('span', { className: 'column-model', text: variant.model }),
				]),
			),
		];
		this.header.replaceChildren(...cells);
	}

	private buildRow(run: RunView, row: RowView): HTMLElement {
		const rowElement = element('div', {
			className: 'grid-row',
			attributes: { role: 'row', 'aria-rowindex': String(row.index + 2), 'data-row': String(row.index) },
		});
		if (run.rows.length > 1) {
			rowElement.style.transform = `translateY(${row.index * ROW_HEIGHT}px)`;
		}
		const label = element('div', { className: 'grid-cell row-index', attributes: { role: 'rowheader' } }, [
			element('span', { text: formatString(this.strings.rowNumber, row.index + 1) }),
		]);
		if (row.line > 0) {
			label.append(element('span', { className: 'muted', text: formatString(this.strings.lineNumber, row.line) }));
		}
		const input = element('div', { className: 'grid-cell row-input', attributes: { role: 'gridcell' } }, [
			element('div', { className: 'plain', text: row.input }),
		]);
		if (row.expected !== undefined) {
			input.append(
				element('div', { className: 'expected' }, [
					element('span', { className: 'expected-label', text: this.strings.expected }),
					element('div', { className: 'plain', text: row.expected }),
				]),
			);
		}
		rowElement.append(label, input);
		for (const variant of run.variants) {
			rowElement.append(element('div', { className: 'grid-cell result', attributes: { role: 'gridcell', 'data-variant': variant.id } }));
		}
		this.fillResultCells(run, row, rowElement);
		return rowElement;
	}

	private fillResultCells(run: RunView, row: RowView, rowElement: HTMLElement): void {
		const base = this.mode === 'diff-variant' ? (this.diffBase ?? run.variants[0]?.id) : undefined;
		const baseOutput = base === undefined ? undefined : this.records.get(pairKey(row.index, base))?.output;
		const cells = rowElement.querySelectorAll<HTMLElement>('.grid-cell.result');
		run.variants.forEach((variant, index) => {
			const key = pairKey(row.index, variant.id);
			const record = this.records.get(key);
			const content: CellContent = {
				...(record ? { record } : {}),
				...(this.streaming.has(key) ? { streaming: this.streaming.get(key) } : {}),
				mode: this.mode,
				expected: row.expected ?? record?.expected,
				...(baseOutput !== undefined ? { baseOutput } : {}),
				isBase: variant.id === base,
			};
			renderCell(cells[index], content, this.markdown, this.strings);
		});
		if (this.builtPlain) {
			this.plainRows.add(row.index);
			this.builtPlain = false;
		}
	}

	/**
	 * Renders Markdown through the sanitizer, reusing the result for a text rendered before. While the user scrolls, a
	 * text not rendered before is returned as a plain text node, which costs nothing to build.
	 */
	private readonly markdown = (source: string): DocumentFragment => {
		const cached = this.markdownCache.get(source);
		if (cached) {
			// Moves the entry to the end, so the cache drops the least recently used text first.
			this.markdownCache.delete(source);
			this.markdownCache.set(source, cached);
			return cached.cloneNode(true) as DocumentFragment;
		}
		if (this.scrolling) {
			this.builtPlain = true;
			const plain = document.createDocumentFragment();
			plain.append(element('div', { className: 'plain', text: source }));
			return plain;
		}
		const fragment = this.renderMarkdown(source);
		this.markdownCache.set(source, fragment.cloneNode(true) as DocumentFragment);
		if (this.markdownCache.size > MARKDOWN_CACHE_SIZE) {
			const oldest = this.markdownCache.keys().next().value;
			if (oldest !== undefined) {
				this.markdownCache.delete(oldest);
			}
		}
		return fragment;
	};
}
