import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { isPromptFileName, parsePromptFile } from '../../core/prompts/promptFile';
import { findMarkdownSections } from '../../core/text/markdown';
import type { TokenizerKey } from '../../core/tokens/protocol';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { COMPARE_TOKENIZERS_COMMAND } from './compareTokenizers';
import { formatCountFor, selectedTokenizer } from './tokenizer';

type InlineStyle = 'codeLens' | 'inlayHints';
type DocumentKind = 'prompt' | 'markdown' | 'jsonl';

/** Delay after the last scroll before asking for CodeLenses of the new visible range, in milliseconds. */
const SCROLL_DELAY_MS = 150;
/** Lines above and below the visible range that get counts too, as a share of the visible height. */
const MARGIN_SCREENS = 1;
/** Lines given counts in a document that no editor shows, such as one a command opened. */
const HIDDEN_DOCUMENT_LINES = 200;

/**
 * The documents that get inline counts. VS Code's built-in prompt-basics extension gives `*.prompt.md` files a
 * language of their own, `prompt`, so they need their own filters.
 */
const SELECTOR: vscode.DocumentSelector = [
	{ language: 'markdown' },
	{ language: 'prompt' },
	{ language: 'jsonl' },
	{ pattern: '**/*.jsonl' },
	{ pattern: '**/*.prompt.md' },
];

/** A stretch of a document whose tokens are counted, and the line that shows the count. */
interface Segment {
	line: number;
	/** Counted text, in document offsets. */
	start: number;
	end: number;
	/** Name of the counted text, such as `user message` or `section "Setup"`. */
	label: string;
	/** Prefix of the shown count, such as the message's role. */
	prefix?: string;
}

class SegmentLens extends vscode.CodeLens {
	constructor(
		readonly document: vscode.TextDocument,
		readonly segment: Segment,
	) {
		super(new vscode.Range(segment.line, 0, segment.line, 0));
	}
}

interface CountCache {
	version: number;
	encoding: TokenizerKey;
	/** Counts by `start:end`. */
	counts: Map<string, Promise<number>>;
}

/**
 * Token counts inline: one per Markdown section, per message of a prompt file and per line of a JSONL file, as
 * CodeLenses or inlay hints (`llmLab.inlineCounts.style`). Only segments near the visible range are counted, and
 * counts are cached per document version, so a 50,000-line JSONL file costs the lines on screen.
 */
export class InlineTokenCounts implements vscode.CodeLensProvider, vscode.InlayHintsProvider, vscode.Disposable {
	private readonly codeLensesChanged = new vscode.EventEmitter<void>();
	readonly onDidChangeCodeLenses = this.codeLensesChanged.event;
	private readonly inlayHintsChanged = new vscode.EventEmitter<void>();
	readonly onDidChangeInlayHints = this.inlayHintsChanged.event;
	private readonly segmentCache = new Map<string, { version: number; segments: Segment[] }>();
	private readonly countCache = new Map<string, CountCache>();
	/** Lines that the last CodeLenses of each document cover. A scroll within them requests no new ones. */
	private readonly coveredLines = new Map<string, { first: number; last: number }>();
	private scrollTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly disposables: vscode.Disposable[] = [this.codeLensesChanged, this.inlayHintsChanged];

	constructor(
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
	) {
		this.disposables.push(
			vscode.languages.registerCodeLensProvider(SELECTOR, this),
			vscode.languages.registerInlayHintsProvider(SELECTOR, this),
			vscode.window.onDidChangeTextEditorVisibleRanges((event) => this.scheduleScroll(event.textEditor)),
			vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)),
			registry.onDidChange(() => this.refresh()),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('llmLab.inlineCounts')) {
					this.refresh();
				}
			}),
		);
	}

	provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
		const kind = documentKind(document);
		if (!kind || readStyle() !== 'codeLens') {
			return [];
		}
		const lines = linesToCount(document);
		this.coveredLines.set(document.uri.toString(), lines);
		return this.segmentsIn(document, kind, lines.first, lines.last).map((segment) => new SegmentLens(document, segment));
	}

	async resolveCodeLens(lens: vscode.CodeLens): Promise<vscode.CodeLens> {
		if (!(lens instanceof SegmentLens)) {
			return lens;
		}
		const { document, segment } = lens;
		const tokenizer = selectedTokenizer(this.registry);
		try {
			const tokens = await this.count(document, segment, tokenizer.encoding);
			const title = `${segment.prefix ?? ''}${formatCountFor(tokenizer, tokens)} tokens`;
			lens.command = {
				title,
				tooltip: tooltipOf(segment, tokens, tokenizer.label, tokenizer.exact),
				command: COMPARE_TOKENIZERS_COMMAND,
				arguments: [document.uri, rangeOf(document, segment)],
			};
		} catch (error) {
			this.logger.warn(`Counting the tokens of ${segment.label} in ${document.uri.toString()} failed: ${String(error)}`);
			lens.command = { title: 'Token count failed: see the LLM Lab log', command: 'llmLab.showLog' };
		}
		return lens;
	}

	async provideInlayHints(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
		const kind = documentKind(document);
		if (!kind || readStyle() !== 'inlayHints') {
			return [];
		}
		const tokenizer = selectedTokenizer(this.registry);
		const segments = this.segmentsIn(document, kind, range.start.line, range.end.line);
		const counts = await Promise.all(
			segments.map((segment) => this.count(document, segment, tokenizer.encoding).catch(() => undefined)),
		);
		const hints: vscode.InlayHint[] = [];
		for (const [index, segment] of segments.entries()) {
			const tokens = counts[index];
			if (tokens === undefined) {
				continue;
			}
			const label = `${segment.prefix ?? ''}${formatCountFor(tokenizer, tokens)} tokens`;
			const hint = new vscode.InlayHint(document.lineAt(segment.line).range.end, label);
			hint.paddingLeft = true;
			hint.tooltip = tooltipOf(segment, tokens, tokenizer.label, tokenizer.exact);
			hints.push(hint);
		}
		return hints;
	}

	dispose(): void {
		clearTimeout(this.scrollTimer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private refresh(): void {
		this.countCache.clear();
		this.coveredLines.clear();
		this.codeLensesChanged.fire();
		this.inlayHintsChanged.fire();
	}

	private forget(document: vscode.TextDocument): void {
		const key = document.uri.toString();
		this.segmentCache.delete(key);
		this.countCache.delete(key);
		this.coveredLines.delete(key);
	}

	/** Asks for new CodeLenses once a scroll has left the lines the current ones cover. */
	private scheduleScroll(editor: vscode.TextEditor): void {
		if (readStyle() !== 'codeLens' || !documentKind(editor.document)) {
			return;
		}
		clearTimeout(this.scrollTimer);
		this.scrollTimer = setTimeout(() => {
			const covered = this.coveredLines.get(editor.document.uri.toString());
			const visible = editor.visibleRanges;
			const first = visible[0]?.start.line ?? 0;
			const last = visible[visible.length - 1]?.end.line ?? 0;
			if (!covered || first < covered.first || last > covered.last) {
				this.codeLensesChanged.fire();
			}
		}, SCROLL_DELAY_MS);
	}

	private segmentsIn(document: vscode.TextDocument, kind: DocumentKind, first: number, last: number): Segment[] {
		if (kind === 'jsonl') {
			return jsonlSegments(document, first, last);
		}
		return this.segmentsOf(document, kind).filter((segment) => segment.line >= first && segment.line <= last);
	}

	/** Returns the sections or messages of a Markdown document, parsed once per version. */
	private segmentsOf(document: vscode.TextDocument, kind: 'prompt' | 'markdown'): Segment[] {
		const key = document.uri.toString();
		const cached = this.segmentCache.get(key);
		if (cached?.version === document.version) {
			return cached.segments;
		}
		const text = document.getText();
		const segments: Segment[] =
			kind === 'prompt'
				? parsePromptFile(text).map((message) => ({
						line: message.headingLine,
						start: message.contentStart,
						end: message.contentEnd,
						label: `${message.role} message`,
						prefix: `${message.role} · `,
					}))
				: findMarkdownSections(text).map((section) => ({
						line: section.heading.line,
						start: section.start,
						end: section.end,
						label: `section "${section.heading.title}"`,
					}));
		this.segmentCache.set(key, { version: document.version, segments });
		return segments;
	}

	private count(document: vscode.TextDocument, segment: Segment, encoding: TokenizerKey): Promise<number> {
		const key = document.uri.toString();
		let cache = this.countCache.get(key);
		if (!cache || cache.version !== document.version || cache.encoding !== encoding) {
			cache = { version: document.version, encoding, counts: new Map() };
			this.countCache.set(key, cache);
		}
		const countKey = `${segment.start}:${segment.end}`;
		let tokens = cache.counts.get(countKey);
		if (!tokens) {
			const counts = cache.counts;
			tokens = this.counter.count(document.getText(rangeOf(document, segment)), encoding);
			counts.set(countKey, tokens);
			// A failed count is not cached, so the next request tries again.
			tokens.catch(() => counts.delete(countKey));
		}
		return tokens;
	}
}

function readStyle(): InlineStyle | undefined {
	const config = vscode.workspace.getConfiguration('llmLab.inlineCounts');
	if (!config.get<boolean>('enabled', true)) {
		return undefined;
	}
	return config.get<InlineStyle>('style', 'codeLens') === 'inlayHints' ? 'inlayHints' : 'codeLens';
}

function documentKind(document: vscode.TextDocument): DocumentKind | undefined {
	const fileName = document.uri.path.toLowerCase();
	if (document.languageId === 'jsonl' || fileName.endsWith('.jsonl')) {
		return 'jsonl';
	}
	if (document.languageId === 'prompt' || isPromptFileName(fileName)) {
		return 'prompt';
	}
	return document.languageId === 'markdown' ? 'markdown' : undefined;
}

/** Returns the lines that editors show of the document, plus a screen above and below. */
function linesToCount(document: vscode.TextDocument): { first: number; last: number } {
	const ranges = vscode.window.visibleTextEditors
		.filter((editor) => editor.document === document)
		.flatMap((editor) => editor.visibleRanges);
	if (ranges.length === 0) {
		return { first: 0, last: Math.min(document.lineCount - 1, HIDDEN_DOCUMENT_LINES) };
	}
	const first = Math.min(...ranges.map((range) => range.start.line));
	const last = Math.max(...ranges.map((range) => range.end.line));
	const margin = Math.ceil((last - first + 1) * MARGIN_SCREENS);
	return { first: Math.max(0, first - margin), last: Math.min(document.lineCount - 1, last + margin) };
}

function jsonlSegments(document: vscode.TextDocument, first: number, last: number): Segment[] {
	const segments: Segment[] = [];
	for (let line = first; line <= last && line < document.lineCount; line++) {
		const textLine = document.lineAt(line);
		if (textLine.isEmptyOrWhitespace) {
			continue;
		}
		segments.push({
			line,
			start: document.offsetAt(textLine.range.start),
			end: document.offsetAt(textLine.range.end),
			label: `line ${line + 1}`,
		});
	}
	return segments;
}

function rangeOf(document: vscode.TextDocument, segment: Segment): vscode.Range {
	return new vscode.Range(document.positionAt(segment.start), document.positionAt(segment.end));
}

function tooltipOf(segment: Segment, tokens: number, tokenizerLabel: string, exact: boolean): string {
	const estimate = exact ? '' : ' (an estimate: not the model\'s own tokenizer)';
	return `Tokens of ${segment.label}: ${tokens.toLocaleString('en-US')} with ${tokenizerLabel}${estimate}. Click to compare tokenizers.`;
}
