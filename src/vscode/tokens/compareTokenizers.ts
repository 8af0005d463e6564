import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { catalogModelsByEncoding, inputCosts, type TokenizerCount } from '../../core/tokens/compare';
import { ENCODING_NAMES } from '../../core/tokens/encodings';
import type { TokenizerKey } from '../../core/tokens/protocol';
import { createNonce } from '../chat/chatHtml';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { renderComparisonHtml, type TokenizerComparison } from './compareHtml';
import { selectedTokenizer } from './tokenizer';

export const COMPARE_TOKENIZERS_COMMAND = 'llmLab.compareTokenizers';

/** How long the command waits for model listings that are not cached yet, in milliseconds. */
const LISTING_TIMEOUT_MS = 3000;

/** A tokenizer in the comparison: its name and the models that use it. */
interface ComparedTokenizer {
	label: string;
	models: string[];
}

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
		const { tokenizers, unavailableModels } = await this.tokenizers();
		const counts: TokenizerCount[] = await Promise.all(
			[...tokenizers].map(async ([encoding, { label, models }]) => {
				const parts = await Promise.all(compared.parts.map((part) => this.counter.count(part, encoding)));
				return { encoding, label, models, tokens: parts.reduce((sum, tokens) => sum + tokens, 0) };
			}),
		);
		const showCost = this.registry.settings().showCost;
		const comparison: TokenizerComparison = {
			source: compared.source,
			characters: compared.parts.reduce((sum, part) => sum + part.length, 0),
			counts,
			costs: showCost ? inputCosts(new Map(counts.map((row) => [row.encoding, row.tokens]))) : undefined,
			selectedEncoding: selectedTokenizer(this.registry).encoding,
			unavailableModels,
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
	 * the own vocabulary of every listed local model whose tokenizer is prepared. Building a profile starts preparing a
	 * local model's tokenizer, so models still loading are returned as unavailable and appear on a later run.
	 */
	private async tokenizers(): Promise<{ tokenizers: Map<TokenizerKey, ComparedTokenizer>; unavailableModels: string[] }> {
		const tokenizers = new Map<TokenizerKey, ComparedTokenizer>();
		const catalog = catalogModelsByEncoding();
		for (const encoding of ENCODING_NAMES) {
			tokenizers.set(encoding, { label: encoding, models: [...(catalog.get(encoding) ?? [])] });
		}
		const selected = selectedTokenizer(this.registry);
		if (!tokenizers.has(selected.encoding)) {
			tokenizers.set(selected.encoding, { label: selected.label, models: selected.modelName ? [selected.modelName] : [] });
		}
		const unavailableModels: string[] = [];
		try {
			const listings = await this.registry.listAll(false, AbortSignal.timeout(LISTING_TIMEOUT_MS));
			for (const model of listings.flatMap((listing) => listing.models)) {
				const profile = this.registry.profile(model.id);
				if (!profile || profile.providerKind !== 'ollama' || !model.chat) {
					continue;
				}
				if (!profile.exactTokenizer) {
					unavailableModels.push(profile.name);
					continue;
				}
				const entry = tokenizers.get(profile.tokenizer) ?? { label: profile.tokenizerLabel, models: [] };
				if (!entry.models.includes(profile.name)) {
					entry.models.push(profile.name);
				}
				tokenizers.set(profile.tokenizer, entry);
			}
		} catch (error) {
			this.logger.warn(`Compare Tokenizers could not list the models, so local tokenizers are left out: ${String(error)}`);
		}
		return { tokenizers, unavailableModels };
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
