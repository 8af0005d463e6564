import * as vscode from 'vscode';
import type * as DefinitionModule from '../../core/prompts/definition';
import type { PromptDefinition } from '../../core/prompts/definition';
import { isPromptFileName } from '../../core/prompts/promptFile';
import { FixableDiagnostics } from '../datasets/fixableDiagnostics';
import type { ModelRegistry } from '../models';

/** Delay after the last edit before a prompt file is validated again, in milliseconds. */
const EDIT_DELAY_MS = 250;

/** Prompt files on disk. VS Code's own prompt support gives them the language `prompt`, others leave them Markdown. */
export const PROMPT_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.prompt.md' }];

export function isPromptDocument(document: vscode.TextDocument): boolean {
	return document.uri.scheme === 'file' && isPromptFileName(document.uri.path);
}

let promptReader: typeof DefinitionModule | undefined;

/**
 * Loads the prompt file reader on first use. esbuild runs the code of a module loaded with `require` on the first
 * call, so activation does not run the YAML parser's module code when no prompt file is open.
 */
function loadPromptReader(): typeof DefinitionModule {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	promptReader ??= require('../../core/prompts/definition') as typeof DefinitionModule;
	return promptReader;
}

/**
 * Reads open prompt files once per version and keeps their diagnostics current: on open, after edits (debounced)
 * and when the configured providers change, since model ids are checked against them.
 */
export class PromptFiles implements vscode.Disposable {
	private readonly fixable = new FixableDiagnostics('llmLab.prompts', PROMPT_SELECTOR);
	private readonly cache = new Map<string, { version: number; providers: string; definition: PromptDefinition }>();
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly disposables: vscode.Disposable[] = [this.fixable];

	constructor(private readonly registry: ModelRegistry) {
		this.disposables.push(
			vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
			vscode.workspace.onDidChangeTextDocument((event) => {
				if (event.contentChanges.length > 0) {
					this.schedule(event.document, EDIT_DELAY_MS);
				}
			}),
			vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
			registry.onDidChange(() => this.validateOpenDocuments()),
		);
		this.validateOpenDocuments();
	}

	/** Returns the document's definition, read again only when its text or the configured providers changed. */
	definitionOf(document: vscode.TextDocument): PromptDefinition {
		const key = document.uri.toString();
		const providers = this.registry.settings().providers;
		const providersKey = providers.map((provider) => `${provider.id}=${provider.kind}`).join(',');
		const cached = this.cache.get(key);
		if (cached && cached.version === document.version && cached.providers === providersKey) {
			return cached.definition;
		}
		const definition = loadPromptReader().readPromptFile(document.getText(), { providers });
		this.cache.set(key, { version: document.version, providers: providersKey, definition });
		return definition;
	}

	dispose(): void {
		for (const timer of this.timers.values()) {
			clearTimeout(timer);
		}
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	private validateOpenDocuments(): void {
		for (const document of vscode.workspace.textDocuments) {
			this.schedule(document, 0);
		}
	}

	private schedule(document: vscode.TextDocument, delayMs: number): void {
		if (!isPromptDocument(document)) {
			return;
		}
		const key = document.uri.toString();
		clearTimeout(this.timers.get(key));
		this.timers.set(
			key,
			setTimeout(() => {
				this.timers.delete(key);
				if (!document.isClosed) {
					this.fixable.set(document, this.definitionOf(document).diagnostics);
				}
			}, delayMs),
		);
	}

	private forget(uri: vscode.Uri): void {
		const key = uri.toString();
		clearTimeout(this.timers.get(key));
		this.timers.delete(key);
		this.cache.delete(key);
		this.fixable.delete(uri);
	}
}
