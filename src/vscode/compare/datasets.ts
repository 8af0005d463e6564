/** Datasets and few-shot files for the Compare panel: picking them in the workspace and reading them. */

import * as vscode from 'vscode';
import type { LoadedDataset } from '../../core/compare/dataset';
import type { RunHeader, RunRecord } from '../../core/compare/types';
import { CompareInputError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { DatasetView, RowView } from '../../webview/compare/protocol';
import { loadCompareEngine } from './engineBundle';
import { rowViews } from './runState';

/** Files listed when picking a dataset; the runs folder and dependencies are left out. */
const DATASET_GLOB = '**/*.{jsonl,ndjson,csv}';
const EXCLUDED_GLOB = '{**/node_modules/**,**/.llmlab/**,**/.git/**}';
const MAX_LISTED_FILES = 500;

/** A dataset file that was read, with the view the panel shows of it. */
export interface OpenDataset {
	uri: vscode.Uri;
	loaded: LoadedDataset;
	view: DatasetView;
}

/** Asks for a JSONL or CSV file of the workspace. Returns undefined when the user cancels. */
export async function pickWorkspaceFile(title: string, token?: vscode.CancellationToken): Promise<vscode.Uri | undefined> {
	const files = await vscode.workspace.findFiles(DATASET_GLOB, EXCLUDED_GLOB, MAX_LISTED_FILES, token);
	const browse: vscode.QuickPickItem = { label: '$(folder-opened) Browse…', alwaysShow: true };
	const items = files
		.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
		.sort((a, b) => a.label.localeCompare(b.label));
	const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>([...items, browse], {
		title,
		placeHolder: files.length > 0 ? 'JSONL or CSV files in the workspace' : 'No JSONL or CSV file found in the workspace',
		matchOnDescription: true,
	});
	if (!picked) {
		return undefined;
	}
	if (picked.uri) {
		return picked.uri;
	}
	const chosen = await vscode.window.showOpenDialog({
		title,
		canSelectMany: false,
		filters: { Datasets: ['jsonl', 'ndjson', 'csv'] },
		defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
	});
	return chosen?.[0];
}

/** Reads a dataset. Throws `CompareInputError` when the file cannot be read or has an unsupported extension. */
export async function openDataset(uri: vscode.Uri): Promise<OpenDataset> {
	const loaded = await loadCompareEngine().loadDataset(uri.fsPath);
	return { uri, loaded, view: datasetView(uri, loaded) };
}

function datasetView(uri: vscode.Uri, loaded: LoadedDataset): DatasetView {
	const columns = new Set<string>();
	for (const row of loaded.rows) {
		for (const name of Object.keys(row.variables)) {
			columns.add(name);
		}
	}
	const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
	const first = errors[0];
	return {
		label: vscode.workspace.asRelativePath(uri),
		uri: uri.toString(),
		rows: loaded.rows.length,
		columns: [...columns],
		hasExpected: loaded.rows.some((row) => row.expected !== undefined),
		invalidRows: new Set(errors.map((error) => error.line)).size,
		...(first ? { firstProblem: `Line ${first.line}: ${first.message}` } : {}),
	};
}

/** Parses the `datasetUri` argument of `llmLab.compareModels`: a URI string, or a path in the first workspace folder. */
export function parseDatasetUri(value: string): vscode.Uri {
	if (/^[A-Za-z][\w+.-]+:/.test(value) && !/^[A-Za-z]:[\\/]/.test(value)) {
		return vscode.Uri.parse(value, true);
	}
	const root = vscode.workspace.workspaceFolders?.[0]?.uri;
	if (root && !value.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(value)) {
		return vscode.Uri.joinPath(root, value);
	}
	return vscode.Uri.file(value);
}

/**
 * Reads the dataset a run file names. Throws `CompareInputError` for a single-input run, which is saved without its
 * input, and when the file cannot be read or no longer has the contents the run started with.
 */
export async function openRunDataset(header: RunHeader): Promise<OpenDataset> {
	if (!header.dataset?.path) {
		throw new CompareInputError('A single-input run is saved without its input, so it has no dataset to read again.');
	}
	const opened = await openDataset(vscode.Uri.file(header.dataset.path));
	if (header.dataset.sha256 !== undefined && header.dataset.sha256 !== opened.loaded.info.sha256) {
		throw new CompareInputError(
			`${opened.view.label} has changed since run ${header.runId} started, so its rows no longer match the run's results.`,
			header.dataset.path,
		);
	}
	return opened;
}

/**
 * Returns the grid's rows of a saved run: from its dataset when that is unchanged, else numbered rows that show only
 * the expected outputs stored in the records.
 */
export async function runRowViews(header: RunHeader, records: readonly RunRecord[], logger: Logger): Promise<RowView[]> {
	if (header.dataset?.path) {
		try {
			return rowViews((await openRunDataset(header)).loaded.rows);
		} catch (error) {
			if (!(error instanceof CompareInputError)) {
				throw error;
			}
			logger.info(`The inputs of run ${header.runId} are not shown: ${error.message}`);
		}
	}
	const count = header.dataset?.rows ?? Math.max(0, ...records.map((record) => record.row + 1));
	const expected = new Map(records.map((record) => [record.row, record.expected]));
	return Array.from({ length: count }, (_, index) => {
		const value = expected.get(index);
		return { index, line: 0, input: '', ...(value !== undefined ? { expected: value } : {}) };
	});
}
