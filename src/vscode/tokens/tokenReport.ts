import * as vscode from 'vscode';
import { costOf } from '../../core/models/catalog';
import type { Logger } from '../../core/logger';
import { buildReportTree, describeFit, describeSkipReason, type ReportNode } from '../../core/tokens/report';
import { formatCost } from '../../webview/chat/format';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { formatCountFor, selectedTokenizer, type SelectedTokenizer } from './tokenizer';
import { MAX_FILES_PER_FOLDER, WorkspaceTokenCounts, type CountProgress } from './workspaceTokens';

export const TOKEN_REPORT_VIEW_ID = 'llmLab.tokenReport';
const COUNTING_CONTEXT_KEY = 'llmLab.tokenReportCounting';

/** Shortest time between two redraws of the tree while files are being counted, in milliseconds. */
const REDRAW_INTERVAL_MS = 250;

/** An element of the tree: the summary line, or a folder or file of a workspace folder. */
type ReportElement = { kind: 'summary' } | { kind: 'node'; node: ReportNode; folder: vscode.WorkspaceFolder };

/** One row of the tree as the user sees it, for tests. */
export interface ReportItemSnapshot {
	label: string;
	description?: string;
	children: ReportItemSnapshot[];
}

/**
 * The Tokens view: ranks the workspace's folders and files by tokens for the selected model's tokenizer and compares
 * the totals with its context window. Counting starts when the view is first shown and runs in the background.
 */
export class TokenReport implements vscode.TreeDataProvider<ReportElement>, vscode.Disposable {
	private readonly counts: WorkspaceTokenCounts;
	private readonly treeView: vscode.TreeView<ReportElement>;
	private readonly treeChanged = new vscode.EventEmitter<void>();
	readonly onDidChangeTreeData = this.treeChanged.event;
	private roots: { folder: vscode.WorkspaceFolder; node: ReportNode }[] = [];
	private progress: CountProgress | undefined;
	private redrawTimer: ReturnType<typeof setTimeout> | undefined;
	private started = false;
	private readonly disposables: vscode.Disposable[] = [this.treeChanged];

	constructor(
		private readonly registry: ModelRegistry,
		counter: TokenCounter,
		logger: Logger,
	) {
		this.counts = new WorkspaceTokenCounts(counter, logger, selectedTokenizer(registry).encoding, readMaxFileBytes);
		this.treeView = vscode.window.createTreeView(TOKEN_REPORT_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
		this.disposables.push(
			this.counts,
			this.treeView,
			this.treeView.onDidChangeVisibility((event) => {
				if (event.visible && !this.started) {
					void this.refresh();
				}
			}),
			this.counts.onDidChange((progress) => {
				this.progress = progress;
				this.scheduleRedraw();
			}),
			registry.onDidChange(() => {
				void this.counts.setEncoding(selectedTokenizer(registry).encoding);
				this.scheduleRedraw();
			}),
			vscode.commands.registerCommand('llmLab.refreshTokenReport', () => this.refresh()),
			vscode.commands.registerCommand('llmLab.stopTokenReport', () => this.counts.cancel()),
		);
		if (this.treeView.visible) {
			void this.refresh();
		}
	}

	/** Lists and counts the workspace again; files whose content did not change keep their counts. */
	async refresh(): Promise<void> {
		this.started = true;
		await vscode.commands.executeCommand('setContext', COUNTING_CONTEXT_KEY, true);
		try {
			await vscode.window.withProgress({ location: { viewId: TOKEN_REPORT_VIEW_ID } }, () => this.counts.scan());
		} finally {
			await vscode.commands.executeCommand('setContext', COUNTING_CONTEXT_KEY, this.counts.isRunning());
			this.redraw();
		}
	}

	/** Resolves when counting has finished and the tree shows the result. */
	async idle(): Promise<void> {
		await this.counts.idle();
		this.redraw();
	}

	/** Number of files counted since the start. */
	countedFileCount(): number {
		return this.counts.countedFileCount();
	}

	/** Returns the tree as shown, expanded fully. */
	snapshot(): ReportItemSnapshot[] {
		const describe = (element: ReportElement): ReportItemSnapshot => {
			const item = this.getTreeItem(element);
			return {
				label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
				description: typeof item.description === 'string' ? item.description : undefined,
				children: this.getChildren(element).map(describe),
			};
		};
		return this.getChildren().map(describe);
	}

	getChildren(element?: ReportElement): ReportElement[] {
		if (!element) {
			if (!this.started) {
				return [];
			}
			const summary: ReportElement = { kind: 'summary' };
			if (this.roots.length === 1) {
				const [{ folder, node }] = this.roots;
				return [summary, ...node.children.map((child) => ({ kind: 'node' as const, node: child, folder }))];
			}
			return [summary, ...this.roots.map(({ folder, node }) => ({ kind: 'node' as const, node, folder }))];
		}
		if (element.kind === 'summary') {
			return [];
		}
		return element.node.children.map((child) => ({ kind: 'node' as const, node: child, folder: element.folder }));
	}

	getTreeItem(element: ReportElement): vscode.TreeItem {
		const tokenizer = selectedTokenizer(this.registry);
		if (element.kind === 'summary') {
			return this.summaryItem(tokenizer);
		}
		const { node, folder } = element;
		const uri = node.path ? vscode.Uri.joinPath(folder.uri, node.path) : folder.uri;
		const item = new vscode.TreeItem(
			node.name,
			node.kind === 'folder' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
		);
		item.id = uri.toString();
		item.resourceUri = uri;
		item.description = describeNode(node, tokenizer);
		item.tooltip = tooltipOf(node, tokenizer, vscode.workspace.asRelativePath(uri));
		if (node.kind === 'file') {
			item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
		}
		return item;
	}

	dispose(): void {
		clearTimeout(this.redrawTimer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private summaryItem(tokenizer: SelectedTokenizer): vscode.TreeItem {
		const total = this.roots.reduce((sum, root) => sum + root.node.tokens, 0);
		const item = new vscode.TreeItem('Workspace', vscode.TreeItemCollapsibleState.None);
		item.id = 'llmLab.tokenReport.summary';
		item.iconPath = new vscode.ThemeIcon('symbol-numeric');
		const parts = [`${formatCountFor(tokenizer, total)} tokens`];
		const fit = describeFit(total, tokenizer.contextWindow);
		if (fit) {
			parts.push(fit);
		}
		const cost = this.registry.settings().showCost ? costOf(tokenizer.price, total, 0) : undefined;
		if (cost !== undefined) {
			parts.push(formatCost(cost));
		}
		item.description = parts.join(' · ');

		const tooltip = new vscode.MarkdownString();
		const model = tokenizer.modelName ? ` for ${tokenizer.modelName}` : '';
		tooltip.appendMarkdown(`**${total.toLocaleString('en-US')} tokens** with \`${tokenizer.label}\`${model}`);
		if (!tokenizer.exact) {
			tooltip.appendMarkdown(' (an estimate: not the model\'s own tokenizer)');
		}
		const counted = this.roots.reduce((sum, root) => sum + root.node.counted, 0);
		const skipped = this.roots.reduce((sum, root) => sum + root.node.skipped, 0);
		const pending = this.roots.reduce((sum, root) => sum + root.node.pending, 0);
		tooltip.appendMarkdown(`\n\n${counted.toLocaleString('en-US')} files counted, ${skipped.toLocaleString('en-US')} skipped`);
		if (pending > 0) {
			tooltip.appendMarkdown(`, ${pending.toLocaleString('en-US')} not counted yet`);
		}
		if (cost !== undefined) {
			tooltip.appendMarkdown(`\n\nSending it all as input would cost ${formatCost(cost)} at the catalog price.`);
		}
		tooltip.appendMarkdown('\n\nFiles that `.gitignore` or `files.exclude` exclude are left out.');
		item.tooltip = tooltip;
		return item;
	}

	private scheduleRedraw(): void {
		if (this.redrawTimer) {
			return;
		}
		this.redrawTimer = setTimeout(() => {
			this.redrawTimer = undefined;
			this.redraw();
		}, REDRAW_INTERVAL_MS);
	}

	private redraw(): void {
		this.roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
			folder,
			node: buildReportTree(folder.name, this.counts.filesOf(folder)),
		}));
		this.treeView.message = this.message();
		void vscode.commands.executeCommand('setContext', COUNTING_CONTEXT_KEY, this.counts.isRunning());
		this.treeChanged.fire();
	}

	private message(): string | undefined {
		if (!vscode.workspace.workspaceFolders?.length) {
			return 'Open a folder to rank its files by tokens.';
		}
		if (this.counts.isRunning() && this.progress) {
			return `Counting tokens: ${this.progress.done.toLocaleString('en-US')} of ${this.progress.total.toLocaleString('en-US')} files…`;
		}
		const pending = this.roots.reduce((sum, root) => sum + root.node.pending, 0);
		if (!this.counts.isRunning() && pending > 0) {
			return `${pending.toLocaleString('en-US')} files are not counted yet. Refresh to count them.`;
		}
		const truncated = this.counts.truncated();
		if (truncated.length > 0) {
			return `Only the first ${MAX_FILES_PER_FOLDER.toLocaleString('en-US')} files of ${truncated.join(', ')} are counted.`;
		}
		return undefined;
	}
}

function describeNode(node: ReportNode, tokenizer: SelectedTokenizer): string {
	if (node.skipReason) {
		return describeSkipReason(node.skipReason, readMaxFileBytes());
	}
	if (node.kind === 'file' && node.pending > 0) {
		return 'not counted yet';
	}
	const count = `${formatCountFor(tokenizer, node.tokens)} tokens`;
	if (node.kind === 'file') {
		return count;
	}
	const fit = describeFit(node.tokens, tokenizer.contextWindow);
	return fit ? `${count} · ${fit}` : count;
}

function tooltipOf(node: ReportNode, tokenizer: SelectedTokenizer, path: string): string {
	const lines = [`${path}: ${node.tokens.toLocaleString('en-US')} tokens with ${tokenizer.label}`];
	if (node.kind === 'folder') {
		lines.push(`${node.counted.toLocaleString('en-US')} files counted, ${node.skipped.toLocaleString('en-US')} skipped`);
	}
	const fit = describeFit(node.tokens, tokenizer.contextWindow);
	if (fit && tokenizer.modelName) {
		lines.push(`Against ${tokenizer.modelName}'s window: ${fit}`);
	}
	return lines.join('\n');
}

function readMaxFileBytes(): number {
	const kilobytes = vscode.workspace.getConfiguration('llmLab.tokenReport').get<number>('maxFileSizeKB', 1024);
	return Math.max(1, kilobytes) * 1024;
}
