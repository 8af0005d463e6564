import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { catalogModelsByEncoding, inputCosts, type TokenizerCount } from '../../core/tokens/compare';
import { ENCODING_NAMES, type EncodingName } from '../../core/tokens/encodings';
import { createNonce } from '../chat/chatHtml';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { renderComparisonHtml, type TokenizerComparison } from './compareHtml';
import { selectedTokenizer } from './tokenizer';

export const COMPARE_TOKENIZERS_COMMAND = 'llmLab.compareTokenizers';

/** How long the command waits for model listings that are not cached yet, in milliseconds. */
const LISTING_TIMEOUT_MS = 3000;

/** The text to compare and where it comes from. */
interface ComparedText {
	source: string;
	/** Texts counted separately and added up: one per non-empty selection, or the whole document. */
	parts: string[];
}

/**
 * The Compare Tokenizers command: counts the selection or file with every tokenizer LLM Lab can load and shows the
 * counts and the input cost on each priced model in a panel.
 */
export class CompareTokenizers implements vscode.Disposable {
	private panel: vscode.WebviewPanel | undefined;
	private last: { comparison: TokenizerComparison; html: string } | undefined;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
	) {
		this.disposables.push(
			vscode.commands.registerCommand(COMPARE_TOKENIZERS_COMMAND, (uri?: vscode.Uri, range?: vscode.Range) =>
				this.run(uri, range),
			),
		);
	}

	/** Returns the comparison the panel shows and its HTML, or undefined before the first run. */
	lastComparison(): { comparison: TokenizerComparison; html: string } | undefined {
		return this.last;
	}

	/** Compares `range` of the document at `uri`, or the active editor's selection or file when no uri is given. */
	async run(uri?: vscode.Uri, range?: vscode.Range): Promise<TokenizerComparison | undefined> {
		const compared = await readComparedText(uri, range);
		if (!compared) {
			void vscode.window.showInformationMessage('LLM Lab: open a file or select text, then run Compare Tokenizers.');
			return undefined;
		}
		const tokenizers = await this.tokenizers();
		const counts: TokenizerCount[] = await Promise.all(
			[...tokenizers].map(async ([encoding, models]) => {
				const parts = await Promise.all(compared.parts.map((part) => this.counter.count(part, encoding)));
				return { encoding, models, tokens: parts.reduce((sum, tokens) => sum + tokens, 0) };
			}),
		);
		const showCost = this.registry.settings().showCost;
		const comparison: TokenizerComparison = {
			source: compared.source,
			characters: compared.parts.reduce((sum, part) => sum + part.length, 0),
			counts,
			costs: showCost ? inputCosts(new Map(counts.map((row) => [row.encoding, row.tokens]))) : undefined,
			selectedEncoding: selectedTokenizer(this.registry).encoding,
		};
		this.show(comparison);
		this.logger.info(
			`Compare Tokenizers on ${compared.source}: ${counts.map((row) => `${row.encoding} ${row.tokens}`).join(', ')}.`,
		);
		return comparison;
	}

	dispose(): void {
		this.panel?.dispose();
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	/**
	 * Returns each tokenizer to compare with the models that use it: the OpenAI encodings, the selected model's, and
	 * the exact tokenizer of every listed model whose profile names one of its own (a local model's vocabulary).
	 */
	private async tokenizers(): Promise<Map<EncodingName, string[]>> {
		const tokenizers = new Map<EncodingName, string[]>();
		const catalog = catalogModelsByEncoding();
		for (const encoding of ENCODING_NAMES) {
			tokenizers.set(encoding, [...(catalog.get(encoding) ?? [])]);
		}
		const selected = selectedTokenizer(this.registry);
		if (!tokenizers.has(selected.encoding)) {
			tokenizers.set(selected.encoding, selected.modelName ? [selected.modelName] : []);
		}
		try {
			const listings = await this.registry.listAll(false, AbortSignal.timeout(LISTING_TIMEOUT_MS));
			for (const model of listings.flatMap((listing) => listing.models)) {
				const profile = this.registry.profile(model.id);
				if (!profile?.exactTokenizer || catalog.has(profile.encoding)) {
					continue;
				}
				const models = tokenizers.get(profile.encoding) ?? [];
				if (!models.includes(profile.name)) {
					models.push(profile.name);
				}
				tokenizers.set(profile.encoding, models);
			}
		} catch (error) {
			this.logger.warn(`Compare Tokenizers could not list the models, so local tokenizers are left out: ${String(error)}`);
		}
		return tokenizers;
	}

	private show(comparison: TokenizerComparison): void {
		if (!this.panel) {
			this.panel = vscode.window.createWebviewPanel(
				'llmLab.compareTokenizers',
				'Compare Tokenizers',
				{ viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
				{ enableScripts: false, localResourceRoots: [] },
			);
			this.panel.onDidDispose(() => {
				this.panel = undefined;
			});
		}
		const html = renderComparisonHtml(comparison, createNonce());
		this.panel.webview.html = html;
		this.panel.reveal(undefined, true);
		this.last = { comparison, html };
	}
}

async function readComparedText(uri: vscode.Uri | undefined, range: vscode.Range | undefined): Promise<ComparedText | undefined> {
	if (uri) {
		const document = await vscode.workspace.openTextDocument(uri);
		const name = vscode.workspace.asRelativePath(document.uri);
		return {
			source: range ? `Lines ${range.start.line + 1}–${range.end.line + 1} of ${name}` : name,
			parts: [document.getText(range)],
		};
	}
	const editor = vscode.window.activeTextEditor;
	if (!editor) {
		return undefined;
	}
	const name = vscode.workspace.asRelativePath(editor.document.uri);
	const selections = editor.selections.filter((selection) => !selection.isEmpty);
	if (selections.length > 0) {
		const what = selections.length === 1 ? 'Selection' : `${selections.length} selections`;
		return { source: `${what} in ${name}`, parts: selections.map((selection) => editor.document.getText(selection)) };
	}
	return { source: name, parts: [editor.document.getText()] };
}
