import * as vscode from 'vscode';
import { formatShare, formatTokenCount, formatWindow } from '../core/format';
import type { Logger } from '../core/logger';
import type { ModelProfile } from '../core/models/profile';
import type { ModelRegistry } from './models';
import type { TokenCounter } from './tokenCounter';

/** Delay after the last keystroke or selection change before counting, in milliseconds. */
const UPDATE_DELAY_MS = 80;

/**
 * The status bar token counter: the active editor's tokens, or the selection's when there is one, for the selected
 * model's tokenizer, with the share of its context window. Counting runs in the token worker, so typing never waits.
 */
export class TokenCountStatusBar implements vscode.Disposable {
	private readonly item: vscode.StatusBarItem;
	private readonly disposables: vscode.Disposable[] = [];
	private timer: ReturnType<typeof setTimeout> | undefined;
	/** Increases with every update request, so a slow count that finishes late never overwrites a newer one. */
	private generation = 0;
	private visible = false;

	constructor(
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
	) {
		this.item = vscode.window.createStatusBarItem('llmLab.tokenCount', vscode.StatusBarAlignment.Right, 100);
		this.item.name = 'LLM Lab Token Count';
		this.item.command = 'llmLab.countTokens';
		this.disposables.push(
			this.item,
			vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
			vscode.window.onDidChangeTextEditorSelection((event) => {
				if (event.textEditor === vscode.window.activeTextEditor) {
					this.schedule();
				}
			}),
			vscode.workspace.onDidChangeTextDocument((event) => {
				this.counter.applyChanges(event.document, event.contentChanges);
				if (event.document === vscode.window.activeTextEditor?.document) {
					this.schedule();
				}
			}),
			vscode.workspace.onDidCloseTextDocument((document) => this.counter.closeDocument(document)),
			registry.onDidChange(() => this.schedule()),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('llmLab.statusBar.enabled')) {
					this.schedule();
				}
			}),
		);
		this.schedule();
	}

	/** Returns the counter's text, or undefined while it is hidden. */
	text(): string | undefined {
		return this.visible ? this.item.text : undefined;
	}

	dispose(): void {
		clearTimeout(this.timer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private schedule(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.update().catch((error: unknown) => this.logger.error(`Updating the token count failed: ${String(error)}`));
		}, UPDATE_DELAY_MS);
	}

	private async update(): Promise<void> {
		const generation = ++this.generation;
		const editor = vscode.window.activeTextEditor;
		if (!editor || !this.registry.settings().statusBarEnabled) {
			this.item.hide();
			this.visible = false;
			return;
		}
		const profile = this.registry.selectedProfileCached();
		const tokenizer = profile?.tokenizer ?? 'o200k_base';
		const selections = editor.selections.filter((selection) => !selection.isEmpty);
		let tokens: number;
		if (selections.length > 0) {
			const counts = await Promise.all(
				selections.map((selection) => this.counter.count(editor.document.getText(selection), tokenizer)),
			);
			tokens = counts.reduce((sum, value) => sum + value, 0);
		} else {
			const result = await this.counter.countDocument(editor.document, tokenizer);
			if (result === undefined) {
				return;
			}
			tokens = result;
		}
		if (generation !== this.generation) {
			return;
		}
		this.render(tokens, selections.length > 0, profile, profile?.tokenizerLabel ?? tokenizer);
	}

	private render(tokens: number, selection: boolean, profile: ModelProfile | undefined, tokenizerLabel: string): void {
		const exact = profile?.exactTokenizer ?? false;
		const count = `${exact ? '' : '≈'}${formatTokenCount(tokens)} tok`;
		const share = profile?.contextWindow ? ` · ${formatShare(tokens, profile.contextWindow)} of ${formatWindow(profile.contextWindow)}` : '';
		this.item.text = `$(symbol-numeric) ${count}${share}`;
		const scope = selection ? 'Selection' : 'File';
		const model = profile ? profile.id : 'no model selected';
		const tooltip = new vscode.MarkdownString(undefined, true);
		tooltip.appendMarkdown(`**LLM Lab** · ${scope}: ${formatTokenCount(tokens)} tokens\n\n`);
		tooltip.appendMarkdown(`Tokenizer: \`${tokenizerLabel}\`${exact ? '' : ' (an estimate: not this model\'s own tokenizer)'}\n\n`);
		tooltip.appendMarkdown(`Model: \`${model}\``);
		if (profile?.contextWindow) {
			tooltip.appendMarkdown(`, ${formatTokenCount(profile.contextWindow)}-token window (${profile.windowSource})`);
		}
		tooltip.appendMarkdown('\n\nClick for a breakdown by tokenizer.');
		this.item.tooltip = tooltip;
		this.item.accessibilityInformation = {
			label: `${scope} has ${formatTokenCount(tokens)} tokens with ${tokenizerLabel}${share ? `, ${share.replace(' · ', '')}` : ''}`,
		};
		this.item.show();
		this.visible = true;
	}
}
