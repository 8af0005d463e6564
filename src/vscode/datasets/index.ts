import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type * as ValidationModule from './datasetValidation';
import { DIAGNOSTIC_SOURCE, FixableDiagnostics } from './fixableDiagnostics';

/** Delay after the last edit before a dataset is validated again, in milliseconds. */
const EDIT_DELAY_MS = 300;
const SETTING = 'llmLab.datasetDiagnostics.enabled';

const SELECTOR: vscode.DocumentSelector = [
	{ pattern: '**/*.jsonl' },
	{ pattern: '**/*.ndjson' },
	{ pattern: '**/*.csv' },
];

export interface DatasetDiagnosticsServices {
	logger: Logger;
}

/**
 * Registers diagnostics for JSONL and CSV datasets. The comparison engine's validation runs when a dataset is opened
 * and after edits, and its diagnostics that carry a fix, such as a misspelt role or a trailing comma, get a quick fix.
 */
export function registerDatasetDiagnostics(
	context: vscode.ExtensionContext,
	services: DatasetDiagnosticsServices,
): void {
	context.subscriptions.push(new DatasetDiagnostics(services.logger));
}

/** A validation waiting for its delay, or running. */
interface PendingValidation {
	timer?: ReturnType<typeof setTimeout>;
	controller?: AbortController;
}

class DatasetDiagnostics implements vscode.Disposable {
	private readonly fixable = new FixableDiagnostics('llmLab.datasets', SELECTOR);
	private readonly pending = new Map<string, PendingValidation>();
	private readonly disposables: vscode.Disposable[] = [this.fixable];

	constructor(private readonly logger: Logger) {
		this.disposables.push(
			vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
			vscode.workspace.onDidChangeTextDocument((event) => {
				if (event.contentChanges.length > 0) {
					this.schedule(event.document, EDIT_DELAY_MS);
				}
			}),
			vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration(SETTING)) {
					this.validateOpenDocuments();
				}
			}),
		);
		this.validateOpenDocuments();
	}

	dispose(): void {
		for (const key of [...this.pending.keys()]) {
			this.cancel(key);
		}
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private validateOpenDocuments(): void {
		if (!isEnabled()) {
			this.fixable.clear();
		}
		for (const document of vscode.workspace.textDocuments) {
			this.schedule(document, 0);
		}
	}

	private schedule(document: vscode.TextDocument, delayMs: number): void {
		if (!isEnabled() || !isDatasetDocument(document)) {
			return;
		}
		const key = document.uri.toString();
		this.cancel(key);
		const entry: PendingValidation = {};
		entry.timer = setTimeout(() => {
			entry.timer = undefined;
			entry.controller = new AbortController();
			void this.validate(document, entry.controller.signal).finally(() => {
				if (this.pending.get(key) === entry) {
					this.pending.delete(key);
				}
			});
		}, delayMs);
		this.pending.set(key, entry);
	}

	private async validate(document: vscode.TextDocument, signal: AbortSignal): Promise<void> {
		const text = document.getText();
		const version = document.version;
		const { datasetKindOf, validateDataset } = loadValidation();
		const kind = datasetKindOf(document.uri.path, text);
		if (!kind) {
			return;
		}
		const started = performance.now();
		try {
			const result = await validateDataset(text, kind, { signal });
			if (!result || signal.aborted || document.isClosed || document.version !== version) {
				return;
			}
			const extra =
				result.total > result.diagnostics.length
					? [capNotice(document, result.diagnostics.length, result.total)]
					: [];
			this.fixable.set(document, result.diagnostics, extra);
			const elapsed = (performance.now() - started).toFixed(0);
			this.logger.debug(
				`Validated ${document.uri.toString()} as ${kind} in ${elapsed} ms: ${result.total} problems.`,
			);
		} catch (error) {
			this.logger.error(`Validating the dataset ${document.uri.toString()} failed: ${String(error)}`);
		}
	}

	private cancel(key: string): void {
		const entry = this.pending.get(key);
		if (!entry) {
			return;
		}
		clearTimeout(entry.timer);
		entry.controller?.abort();
		this.pending.delete(key);
	}

	private forget(uri: vscode.Uri): void {
		this.cancel(uri.toString());
		this.fixable.delete(uri);
	}
}

function isEnabled(): boolean {
	return vscode.workspace.getConfiguration().get<boolean>(SETTING, true);
}

/** Datasets are files whose name ends in `.jsonl`, `.ndjson` or `.csv`. */
function isDatasetDocument(document: vscode.TextDocument): boolean {
	return document.uri.scheme === 'file' && /\.(jsonl|ndjson|csv)$/i.test(document.uri.path);
}

let validation: typeof ValidationModule | undefined;

/**
 * Loads the validation on first use. esbuild runs the code of a module loaded with `require` on the first call, so
 * activation does not run the CSV and JSON parsers' module code when no dataset is open.
 */
function loadValidation(): typeof ValidationModule {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	validation ??= require('./datasetValidation') as typeof ValidationModule;
	return validation;
}

/** Builds the notice, on the first line, that counts the problems left out. */
function capNotice(document: vscode.TextDocument, kept: number, total: number): vscode.Diagnostic {
	const message =
		`LLM Lab shows the first ${kept.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} problems in ` +
		'this file. Fix those to see the rest.';
	const notice = new vscode.Diagnostic(document.lineAt(0).range, message, vscode.DiagnosticSeverity.Information);
	notice.source = DIAGNOSTIC_SOURCE;
	notice.code = 'too-many-problems';
	return notice;
}
