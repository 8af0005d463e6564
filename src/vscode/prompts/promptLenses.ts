import * as vscode from 'vscode';
import { chatFramingTokens } from '../../core/budget/framing';
import type { Logger } from '../../core/logger';
import type { PromptDefinition } from '../../core/prompts/definition';
import { previewMessages } from '../../core/prompts/variants';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { formatCountFor, type SelectedTokenizer, selectedTokenizer, tokenizerOf } from '../tokens/tokenizer';
import { isPromptDocument, PROMPT_SELECTOR, type PromptFiles } from './promptFiles';

export const RUN_PROMPT_COMMAND = 'llmLab.runPromptFile';
export const COMPARE_PROMPT_COMMAND = 'llmLab.comparePromptFile';

/** The lens whose title is the prompt's token count, filled in by `resolveCodeLens`. */
class TokenCountLens extends vscode.CodeLens {
	constructor(
		range: vscode.Range,
		readonly document: vscode.TextDocument,
	) {
		super(range);
	}
}

/**
 * The CodeLenses on the first line of a prompt file: Run (in the chat), Compare (in the Compare panel) and the token
 * count of the whole prompt. The counts of each message are the inline token counts' job.
 */
export class PromptLenses implements vscode.CodeLensProvider, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChangeCodeLenses = this.changed.event;
	private readonly disposables: vscode.Disposable[] = [this.changed];

	constructor(
		private readonly files: PromptFiles,
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
	) {
		this.disposables.push(
			vscode.languages.registerCodeLensProvider(PROMPT_SELECTOR, this),
			registry.onDidChange(() => this.changed.fire()),
		);
	}

	provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
		if (!isPromptDocument(document) || this.files.definitionOf(document).foreign) {
			return [];
		}
		const range = new vscode.Range(0, 0, 0, 0);
		const file = vscode.workspace.asRelativePath(document.uri);
		return [
			new vscode.CodeLens(range, {
				title: 'Run',
				tooltip: `Send ${file} to the chat as a new conversation`,
				command: RUN_PROMPT_COMMAND,
				arguments: [document.uri],
			}),
			new vscode.CodeLens(range, {
				title: 'Compare',
				tooltip: `Open the variants of ${file} in the Compare panel`,
				command: COMPARE_PROMPT_COMMAND,
				arguments: [document.uri],
			}),
			new TokenCountLens(range, document),
		];
	}

	async resolveCodeLens(lens: vscode.CodeLens, token: vscode.CancellationToken): Promise<vscode.CodeLens> {
		if (!(lens instanceof TokenCountLens)) {
			return lens;
		}
		const definition = this.files.definitionOf(lens.document);
		const tokenizer = this.tokenizerFor(definition);
		try {
			const messages = previewMessages(definition);
			const counts = await Promise.all(
				messages.map((message) => this.counter.count(message.content, tokenizer.encoding)),
			);
			if (token.isCancellationRequested) {
				return lens;
			}
			const framing = chatFramingTokens(messages.length);
			const total = counts.reduce((sum, count) => sum + count, framing);
			const model = tokenizer.modelId ?? 'no selected model';
			const estimate = tokenizer.exact ? '' : " (an estimate: not the model's own tokenizer)";
			lens.command = {
				title: `${formatCountFor(tokenizer, total)} tokens`,
				tooltip:
					`Prompt tokens of the ${messages.length} messages sent to ${model}, with the variables' defaults filled in ` +
					`and ${framing} tokens of chat framing, counted with ${tokenizer.encoding}${estimate}.`,
				command: '',
			};
		} catch (error) {
			this.logger.warn(`Counting the tokens of ${lens.document.uri.toString()} failed: ${String(error)}`);
			lens.command = { title: 'Token count failed: see the LLM Lab log', command: 'llmLab.showLog' };
		}
		return lens;
	}

	dispose(): void {
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	/** Returns the tokenizer of the model the prompt runs on: its first variant's, or the selected model's. */
	private tokenizerFor(definition: PromptDefinition): SelectedTokenizer {
		const model = runModelOf(definition);
		const profile = model ? this.registry.profile(model) : undefined;
		return profile ? tokenizerOf(profile) : selectedTokenizer(this.registry);
	}
}

/** Returns the model the file names for its first variant, or undefined when the selected model runs it. */
export function runModelOf(definition: PromptDefinition): string | undefined {
	return definition.options.variants[0]?.model ?? definition.options.model;
}
