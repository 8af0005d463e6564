import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { alternatingColours, formatBytes, markdownCodeSpan, visibleTokenText } from '../../core/tokens/display';
import type { EncodingName } from '../../core/tokens/encodings';
import type { TokenSpan } from '../../core/tokens/spans';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { formatCountFor, selectedTokenizer } from './tokenizer';

/** Context key that is true while the token view is on; the editor title shows the matching button. */
export const TOKEN_VIEW_CONTEXT_KEY = 'llmLab.tokenViewEnabled';

/** Delay after the last scroll before decorating the new visible range, in milliseconds. */
const SCROLL_DELAY_MS = 60;
/** Delay after the last edit before decorating again, in milliseconds. */
const EDIT_DELAY_MS = 150;
/** Lines decorated beyond each end of the visible range, so a short scroll shows tokens at once. */
const MARGIN_LINES = 10;
/**
 * Most characters decorated per visible range. A very long line (minified code) is cut to this many characters from
 * a little before the visible range's start.
 * NOTE: VS Code reports whole lines as visible without word wrap, so a long line scrolled far to the right shows no
 * tokens past this limit.
 */
const MAX_DECORATED_CHARACTERS = 50_000;
/** Characters decorated before the visible start when a range is cut to `MAX_DECORATED_CHARACTERS`. */
const CUT_MARGIN_CHARACTERS = 2_000;
/**
 * Lines of text sent to the token worker beyond each end of the decorated range, in which it looks for a safe split
 * point to start and end the encode. When they contain none, the whole document is sent.
 */
const CONTEXT_LINES = 50;

/** Content of the token view in the active editor. */
export interface TokenViewState {
	uri: string;
	version: number;
	encoding: EncodingName;
	/** Decorated ranges in document offsets, in order; each visible range plus a margin. */
	ranges: { start: number; end: number }[];
	/** Tokens that overlap the decorated ranges, in order: one decoration each. */
	spans: TokenSpan[];
}

/**
 * The token view: colours the token boundaries of the active editor with the selected model's tokenizer, for the
 * visible range only, and shows each token's id, text and bytes on hover.
 */
export class TokenView implements vscode.Disposable, vscode.HoverProvider {
	private enabled = false;
	private state: TokenViewState | undefined;
	private decoratedEditor: vscode.TextEditor | undefined;
	private timer: ReturnType<typeof setTimeout> | undefined;
	/** Increases with every update, so an encode that finishes late never replaces a newer one. */
	private generation = 0;
	private readonly decorationTypes: readonly vscode.TextEditorDecorationType[];
	private readonly partialDecorationType: vscode.TextEditorDecorationType;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
	) {
		this.decorationTypes = [
			vscode.window.createTextEditorDecorationType({
				backgroundColor: new vscode.ThemeColor('llmLab.tokenView.firstTokenBackground'),
				borderRadius: '2px',
			}),
			vscode.window.createTextEditorDecorationType({
				backgroundColor: new vscode.ThemeColor('llmLab.tokenView.secondTokenBackground'),
				borderRadius: '2px',
			}),
		];
		this.partialDecorationType = vscode.window.createTextEditorDecorationType({
			border: '1px dashed',
			borderColor: new vscode.ThemeColor('llmLab.tokenView.partialTokenBorder'),
			borderRadius: '2px',
		});
		this.disposables.push(
			...this.decorationTypes,
			this.partialDecorationType,
			vscode.languages.registerHoverProvider('*', this),
			vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
			vscode.window.onDidChangeTextEditorVisibleRanges((event) => {
				if (event.textEditor === vscode.window.activeTextEditor) {
					this.schedule(SCROLL_DELAY_MS);
				}
			}),
			vscode.workspace.onDidChangeTextDocument((event) => {
				if (event.document === vscode.window.activeTextEditor?.document && event.contentChanges.length > 0) {
					this.schedule(EDIT_DELAY_MS);
				}
			}),
			registry.onDidChange(() => this.schedule(0)),
		);
		void vscode.commands.executeCommand('setContext', TOKEN_VIEW_CONTEXT_KEY, false);
	}

	isEnabled(): boolean {
		return this.enabled;
	}

	/** Returns what the view shows now, or undefined while it is off or has not drawn yet. */
	currentState(): TokenViewState | undefined {
		return this.enabled ? this.state : undefined;
	}

	async setEnabled(enabled: boolean): Promise<void> {
		this.enabled = enabled;
		await vscode.commands.executeCommand('setContext', TOKEN_VIEW_CONTEXT_KEY, enabled);
		if (enabled) {
			this.schedule(0);
		} else {
			this.generation++;
			this.clear();
		}
	}

	async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
		const state = this.currentState();
		if (!state || state.uri !== document.uri.toString() || state.version !== document.version) {
			return undefined;
		}
		const offset = document.offsetAt(position);
		const spans = state.spans.filter((span) => span.start <= offset && offset < span.end);
		if (spans.length === 0) {
			return undefined;
		}

		const tokenizer = selectedTokenizer(this.registry);
		const hover = new vscode.MarkdownString();
		for (const span of spans) {
			appendToken(hover, span, document);
		}
		const visible = `Visible: ${state.spans.length.toLocaleString('en-US')} tokens`;
		const fileTokens = await this.counter.countDocument(document, tokenizer.encoding).catch(() => undefined);
		const file = fileTokens === undefined ? '' : ` · File: ${formatCountFor(tokenizer, fileTokens)} tokens`;
		const model = tokenizer.modelName ? ` for ${tokenizer.modelName}` : '';
		if (tokenizer.encoding === state.encoding) {
			const estimate = tokenizer.exact ? '' : ' (estimated)';
			hover.appendMarkdown(`\n\n---\n\n${visible}${file} · \`${state.encoding}\`${model}${estimate}`);
		} else {
			// NOTE: token offsets come from the OpenAI encodings' rank tables, so a model counted with its own vocabulary
			// is drawn with the encoding that approximates it, and the hover states this.
			hover.appendMarkdown(
				`\n\n---\n\n${visible} with \`${state.encoding}\`, an approximation${file} with \`${tokenizer.label}\`${model}`,
			);
		}
		const first = spans[0];
		return new vscode.Hover(hover, new vscode.Range(document.positionAt(first.start), document.positionAt(first.end)));
	}

	dispose(): void {
		clearTimeout(this.timer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private schedule(delayMs: number): void {
		if (!this.enabled) {
			return;
		}
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.update().catch((error: unknown) => this.logger.warn(`Drawing the token view failed: ${String(error)}`));
		}, delayMs);
	}

	private async update(): Promise<void> {
		const generation = ++this.generation;
		const editor = vscode.window.activeTextEditor;
		if (editor !== this.decoratedEditor) {
			this.clear();
		}
		if (!this.enabled || !editor) {
			return;
		}
		const document = editor.document;
		const version = document.version;
		const encoding = selectedTokenizer(this.registry).viewEncoding;
		const lineRanges = decoratedLines(editor);
		const results = await Promise.all(lineRanges.map((lines) => this.encodeLines(document, lines, encoding)));
		if (generation !== this.generation || document.version !== version || vscode.window.activeTextEditor !== editor) {
			return;
		}

		const ranges = results.map(({ start, end }) => ({ start, end }));
		const spans = mergeSpans(results);
		this.render(editor, spans);
		this.state = { uri: document.uri.toString(), version, encoding, ranges, spans };
	}

	private async encodeLines(
		document: vscode.TextDocument,
		lines: DecoratedLines,
		encoding: EncodingName,
	): Promise<{ start: number; end: number; spans: TokenSpan[] }> {
		let start = document.offsetAt(new vscode.Position(lines.first, 0));
		let end = document.offsetAt(document.lineAt(lines.last).rangeIncludingLineBreak.end);
		if (end - start > MAX_DECORATED_CHARACTERS) {
			start = Math.max(start, lines.visibleStart - CUT_MARGIN_CHARACTERS);
			end = Math.min(end, start + MAX_DECORATED_CHARACTERS);
		}
		const lastLine = document.lineCount - 1;
		const documentLength = document.offsetAt(document.lineAt(lastLine).range.end);
		// Line starts are never inside a surrogate pair, so the stretch starts and ends on whole characters.
		const stretch = new vscode.Range(
			new vscode.Position(Math.max(0, lines.first - CONTEXT_LINES), 0),
			document.lineAt(Math.min(lastLine, lines.last + CONTEXT_LINES)).rangeIncludingLineBreak.end,
		);
		const textOffset = document.offsetAt(stretch.start);
		const result =
			(await this.counter.encodeRange(document.getText(stretch), start, end, encoding, { textOffset, documentLength })) ??
			(await this.counter.encodeRange(document.getText(), start, end, encoding));
		return { start, end, spans: result?.spans ?? [] };
	}

	private render(editor: vscode.TextEditor, spans: TokenSpan[]): void {
		const document = editor.document;
		const starts = spans.map((span) => document.positionAt(span.start));
		const colours = alternatingColours(starts.map((position) => position.line));
		const byColour: vscode.Range[][] = [[], []];
		const partial: vscode.Range[] = [];
		for (const [index, span] of spans.entries()) {
			const range = new vscode.Range(starts[index], document.positionAt(span.end));
			if (span.partialBytes) {
				partial.push(range);
			} else {
				byColour[colours[index]].push(range);
			}
		}
		editor.setDecorations(this.decorationTypes[0], byColour[0]);
		editor.setDecorations(this.decorationTypes[1], byColour[1]);
		editor.setDecorations(this.partialDecorationType, partial);
		this.decoratedEditor = editor;
	}

	private clear(): void {
		const editor = this.decoratedEditor;
		this.decoratedEditor = undefined;
		this.state = undefined;
		if (!editor) {
			return;
		}
		for (const type of [...this.decorationTypes, this.partialDecorationType]) {
			editor.setDecorations(type, []);
		}
	}
}

/** Appends one token's id, text and, for a partial UTF-8 sequence, its bytes. */
function appendToken(hover: vscode.MarkdownString, span: TokenSpan, document: vscode.TextDocument): void {
	const text = document.getText(new vscode.Range(document.positionAt(span.start), document.positionAt(span.end)));
	hover.appendMarkdown(`**Token ${span.id}** ${markdownCodeSpan(visibleTokenText(text))}`);
	if (span.partialBytes) {
		hover.appendMarkdown(`\n\nBytes ${markdownCodeSpan(formatBytes(span.partialBytes))}: part of a UTF-8 character`);
	}
	hover.appendMarkdown('\n\n');
}

interface DecoratedLines {
	first: number;
	last: number;
	/** Offset of the first visible character in these lines. */
	visibleStart: number;
}

/** Returns the line ranges to decorate: each visible range plus a margin, with overlapping ones merged. */
function decoratedLines(editor: vscode.TextEditor): DecoratedLines[] {
	const lastLine = editor.document.lineCount - 1;
	const ranges = editor.visibleRanges
		.map((range) => ({
			first: Math.max(0, range.start.line - MARGIN_LINES),
			last: Math.min(lastLine, range.end.line + MARGIN_LINES),
			visibleStart: editor.document.offsetAt(range.start),
		}))
		.sort((a, b) => a.first - b.first);
	const merged: DecoratedLines[] = [];
	for (const range of ranges) {
		const previous = merged[merged.length - 1];
		if (previous && range.first <= previous.last + 1) {
			previous.last = Math.max(previous.last, range.last);
		} else {
			merged.push({ ...range });
		}
	}
	return merged;
}

/**
 * Joins the spans of ordered, disjoint ranges. A token that overlaps two neighbouring ranges is in both lists: in the
 * later one it starts before the earlier range's end, so it is dropped there.
 */
function mergeSpans(results: readonly { start: number; end: number; spans: TokenSpan[] }[]): TokenSpan[] {
	const spans: TokenSpan[] = [];
	let previousEnd = -1;
	for (const result of results) {
		for (const span of result.spans) {
			if (span.start >= previousEnd) {
				spans.push(span);
			}
		}
		previousEnd = result.end;
	}
	return spans;
}
