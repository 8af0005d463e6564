/**
 * The Runs view in the LLM Lab sidebar: the run files under `.llmlab/runs/` of each workspace folder, newest first,
 * with their dataset, date, variants, rows and pass rates. Each run expands into its variants.
 */

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { summarizeRun, type VariantSummary } from '../../core/compare/aggregate';
import { readRunFile, RUNS_FOLDER } from '../../core/compare/runFile';
import type { RunHeader } from '../../core/compare/types';
import type { Logger } from '../../core/logger';

export const RUNS_VIEW_ID = 'llmLab.runs';
/** Wait after the last change of a run file before listing again, in milliseconds; a running comparison writes often. */
const REFRESH_DELAY_MS = 1000;

/** A run file as the view lists it. */
export interface RunListing {
	uri: vscode.Uri;
	header: RunHeader;
	summaries: VariantSummary[];
	/** Rows in the dataset, or 1 for a single input. */
	rows: number;
	/** Pairs with a successful record, and all pairs. */
	done: number;
	total: number;
}

type RunsNode = { kind: 'run'; run: RunListing } | { kind: 'variant'; run: RunListing; summary: VariantSummary } | { kind: 'problem'; uri: vscode.Uri; message: string };

export class RunsViewProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
	private readonly onDidChangeEmitter = new vscode.EventEmitter<RunsNode | undefined>();
	readonly onDidChangeTreeData = this.onDidChangeEmitter.event;
	/** Listings by file URI, reused while the file's size and modification time stay the same. */
	private readonly cache = new Map<string, { stamp: string; listing: RunListing }>();
	private readonly disposables: vscode.Disposable[] = [this.onDidChangeEmitter];
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly logger: Logger) {
		const watcher = vscode.workspace.createFileSystemWatcher(`**/${RUNS_FOLDER.split('\\').join('/')}/*.jsonl`);
		this.disposables.push(
			watcher,
			watcher.onDidCreate(() => this.scheduleRefresh()),
			watcher.onDidChange(() => this.scheduleRefresh()),
			watcher.onDidDelete(() => this.scheduleRefresh()),
			vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
		);
	}

	dispose(): void {
		clearTimeout(this.timer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	refresh(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.onDidChangeEmitter.fire(undefined);
	}

	/** Lists every run file of the workspace, newest first. Files that cannot be read are left out and logged. */
	async listRuns(): Promise<RunListing[]> {
		const nodes = await this.runNodes();
		return nodes.flatMap((node) => (node.kind === 'run' ? [node.run] : []));
	}

	async getChildren(node?: RunsNode): Promise<RunsNode[]> {
		if (!node) {
			return this.runNodes();
		}
		if (node.kind === 'run') {
			return node.run.summaries.map((summary) => ({ kind: 'variant', run: node.run, summary }));
		}
		return [];
	}

	getTreeItem(node: RunsNode): vscode.TreeItem {
		if (node.kind === 'problem') {
			const item = new vscode.TreeItem(basename(node.uri.fsPath));
			item.description = node.message;
			item.iconPath = new vscode.ThemeIcon('warning');
			item.resourceUri = node.uri;
			return item;
		}
		if (node.kind === 'variant') {
			return variantItem(node.summary);
		}
		return runItem(node.run);
	}

	private scheduleRefresh(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.refresh(), REFRESH_DELAY_MS);
	}

	private async runNodes(): Promise<RunsNode[]> {
		const nodes: RunsNode[] = [];
		for (const folder of vscode.workspace.workspaceFolders ?? []) {
			const runsFolder = vscode.Uri.joinPath(folder.uri, ...RUNS_FOLDER.split(/[\\/]/));
			let entries: Array<[string, vscode.FileType]>;
			try {
				entries = await vscode.workspace.fs.readDirectory(runsFolder);
			} catch {
				continue;
			}
			for (const [name, type] of entries) {
				if (type === vscode.FileType.File && name.endsWith('.jsonl')) {
					nodes.push(await this.readListing(vscode.Uri.joinPath(runsFolder, name)));
				}
			}
		}
		// Run ids start with their start time, so names sort by date.
		return nodes.sort((a, b) => nodeName(b).localeCompare(nodeName(a)));
	}

	private async readListing(uri: vscode.Uri): Promise<RunsNode> {
		try {
			const info = await stat(uri.fsPath);
			const stamp = `${info.size}:${info.mtimeMs}`;
			const cached = this.cache.get(uri.toString());
			if (cached?.stamp === stamp) {
				return { kind: 'run', run: cached.listing };
			}
			const { header, records } = await readRunFile(uri.fsPath);
			const rows = header.dataset?.rows ?? 1;
			const listing: RunListing = {
				uri,
				header,
				summaries: summarizeRun(header.variants, records),
				rows,
				done: records.filter((record) => record.error === undefined).length,
				total: rows * header.variants.length,
			};
			this.cache.set(uri.toString(), { stamp, listing });
			return { kind: 'run', run: listing };
		} catch (error) {
			this.logger.warn(`The Runs view could not read ${uri.fsPath}: ${String(error)}`);
			return { kind: 'problem', uri, message: error instanceof Error ? error.message : String(error) };
		}
	}
}

function nodeName(node: RunsNode): string {
	return basename((node.kind === 'problem' ? node.uri : node.run.uri).fsPath);
}

/** Returns the name a run is shown with: its dataset's file name, or "Single input". */
export function runLabel(header: RunHeader): string {
	return header.dataset?.path ? basename(header.dataset.path) : 'Single input';
}

function runItem(run: RunListing): vscode.TreeItem {
	const item = new vscode.TreeItem(runLabel(run.header), vscode.TreeItemCollapsibleState.Collapsed);
	const date = new Date(run.header.createdAt).toLocaleString();
	const variants = run.header.variants.map((variant) => variant.label).join(' vs ');
	const passRates = run.summaries.map((summary) => (summary.passRate === undefined ? '–' : percent(summary.passRate))).join(' / ');
	const unfinished = run.done < run.total ? `, ${run.done}/${run.total} calls` : '';
	item.description = `${date} · ${variants} · ${run.rows} ${run.rows === 1 ? 'row' : 'rows'}${unfinished} · ${passRates}`;
	item.id = run.uri.toString();
	item.resourceUri = run.uri;
	item.contextValue = 'llmLab.run';
	item.iconPath = new vscode.ThemeIcon(run.done < run.total ? 'debug-pause' : 'beaker');
	item.command = { command: 'llmLab.runs.open', title: 'Open Run', arguments: [run.uri] };
	const tooltip = new vscode.MarkdownString(undefined, false);
	tooltip.appendText(`${runLabel(run.header)}, ${date}\n\n`);
	for (const summary of run.summaries) {
		const rate = summary.passRate === undefined ? 'no scored calls' : `${percent(summary.passRate)} passed`;
		tooltip.appendText(`${summary.label} (${summary.model}): ${rate}, ${summary.calls} calls, ${summary.errors} failed\n\n`);
	}
	tooltip.appendText(`LLM Lab ${run.header.llmLabVersion}, run ${run.header.runId}`);
	item.tooltip = tooltip;
	return item;
}

function variantItem(summary: VariantSummary): vscode.TreeItem {
	const item = new vscode.TreeItem(summary.label, vscode.TreeItemCollapsibleState.None);
	const rate = summary.passRate === undefined ? 'not scored' : `${percent(summary.passRate)} pass`;
	const cost = summary.costUsd === undefined ? '' : ` · $${summary.costUsd.toFixed(4)}`;
	item.description = `${summary.model} · ${rate}${cost}`;
	item.iconPath = new vscode.ThemeIcon('symbol-variable');
	return item;
}

function percent(share: number): string {
	return `${(share * 100).toFixed(1)}%`;
}
