import * as vscode from 'vscode';
import type { Diagnostic, QuickFix } from '../../core/compare/jsonl';

/** `source` of every diagnostic LLM Lab publishes. */
export const DIAGNOSTIC_SOURCE = 'LLM Lab';

interface PublishedFix {
	diagnostic: vscode.Diagnostic;
	fix: QuickFix;
}

/** The diagnostics of one document version, with the quick fixes of those that have one. */
interface Published {
	version: number;
	fixes: PublishedFix[];
}

/**
 * A diagnostic collection for the core's positioned diagnostics (1-based lines and columns), and the code action
 * provider for their quick fixes. Each fixable diagnostic gets its fix, plus one that applies every fix of the same
 * kind in the file when there are several.
 */
export class FixableDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
	static readonly metadata: vscode.CodeActionProviderMetadata = {
		providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
	};
	private readonly collection: vscode.DiagnosticCollection;
	private readonly published = new Map<string, Published>();
	private readonly disposables: vscode.Disposable[] = [];

	constructor(name: string, selector: vscode.DocumentSelector) {
		this.collection = vscode.languages.createDiagnosticCollection(name);
		this.disposables.push(
			this.collection,
			vscode.languages.registerCodeActionsProvider(selector, this, FixableDiagnostics.metadata),
		);
	}

	/** Replaces the document's diagnostics; `extra` are shown too but have no fix. */
	set(document: vscode.TextDocument, diagnostics: readonly Diagnostic[], extra: vscode.Diagnostic[] = []): void {
		const fixes: PublishedFix[] = [];
		const converted = diagnostics.map((diagnostic) => {
			const result = toVscodeDiagnostic(document, diagnostic);
			if (diagnostic.fix) {
				fixes.push({ diagnostic: result, fix: diagnostic.fix });
			}
			return result;
		});
		this.published.set(document.uri.toString(), { version: document.version, fixes });
		this.collection.set(document.uri, [...converted, ...extra]);
	}

	delete(uri: vscode.Uri): void {
		this.published.delete(uri.toString());
		this.collection.delete(uri);
	}

	clear(): void {
		this.published.clear();
		this.collection.clear();
	}

	provideCodeActions(
		document: vscode.TextDocument,
		_range: vscode.Range,
		context: vscode.CodeActionContext,
	): vscode.CodeAction[] {
		const published = this.published.get(document.uri.toString());
		// Fix positions refer to the version they were computed for; an edit since then may have moved the text.
		if (!published || published.version !== document.version) {
			return [];
		}
		const actions: vscode.CodeAction[] = [];
		for (const requested of context.diagnostics) {
			const match = published.fixes.find((entry) => sameDiagnostic(entry.diagnostic, requested));
			if (!match) {
				continue;
			}
			const action = new vscode.CodeAction(match.fix.title, vscode.CodeActionKind.QuickFix);
			action.edit = new vscode.WorkspaceEdit();
			action.edit.replace(document.uri, fixRange(match.fix), match.fix.newText);
			action.diagnostics = [requested];
			action.isPreferred = true;
			actions.push(action);
			const sameKind = published.fixes.filter((entry) => entry.diagnostic.code === match.diagnostic.code);
			if (sameKind.length > 1) {
				actions.push(fixAllAction(document, sameKind));
			}
		}
		return actions;
	}

	dispose(): void {
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}
}

/** Converts a core diagnostic, whose lines and columns are 1-based, clamping it to the document. */
export function toVscodeDiagnostic(document: vscode.TextDocument, diagnostic: Diagnostic): vscode.Diagnostic {
	const start = document.validatePosition(new vscode.Position(diagnostic.line - 1, diagnostic.column - 1));
	const end = document.validatePosition(new vscode.Position(diagnostic.endLine - 1, diagnostic.endColumn - 1));
	const severity =
		diagnostic.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
	const result = new vscode.Diagnostic(new vscode.Range(start, end), diagnostic.message, severity);
	result.source = DIAGNOSTIC_SOURCE;
	result.code = diagnostic.code;
	return result;
}

function fixRange(fix: QuickFix): vscode.Range {
	return new vscode.Range(fix.line - 1, fix.column - 1, fix.line - 1, fix.endColumn - 1);
}

function fixAllAction(document: vscode.TextDocument, fixes: PublishedFix[]): vscode.CodeAction {
	const action = new vscode.CodeAction(
		`Fix All ${fixes.length} Like This in the File`,
		vscode.CodeActionKind.QuickFix,
	);
	action.edit = new vscode.WorkspaceEdit();
	for (const { fix } of fixes) {
		action.edit.replace(document.uri, fixRange(fix), fix.newText);
	}
	action.diagnostics = fixes.map((entry) => entry.diagnostic);
	return action;
}

/** Code action requests carry copies of the diagnostics, so they are matched by range, code and message. */
function sameDiagnostic(a: vscode.Diagnostic, b: vscode.Diagnostic): boolean {
	const code = (value: vscode.Diagnostic['code']) => (typeof value === 'object' ? value.value : value);
	return a.range.isEqual(b.range) && code(a.code) === code(b.code) && a.message === b.message;
}
