import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { ChatController } from '../chat/chatController';
import type { ChatViewProvider } from '../chat/chatView';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { NEW_PROMPT_FILE_COMMAND, newPromptFile } from './newPromptFile';
import { comparePromptFile, runPromptFile } from './promptCommands';
import { PromptFiles } from './promptFiles';
import { COMPARE_PROMPT_COMMAND, PromptLenses, RUN_PROMPT_COMMAND } from './promptLenses';

export interface PromptFileServices {
	registry: ModelRegistry;
	counter: TokenCounter;
	controller: ChatController;
	view: ChatViewProvider;
	logger: Logger;
}

/**
 * Registers prompt files (`*.prompt.md`): diagnostics for their front matter and messages, the Run, Compare and token
 * count CodeLenses, and the commands behind them, including New Prompt File.
 */
export function registerPromptFiles(context: vscode.ExtensionContext, services: PromptFileServices): void {
	const { registry, counter, logger } = services;
	const files = new PromptFiles(registry);
	context.subscriptions.push(files);
	const lenses = new PromptLenses(files, registry, counter, logger);
	context.subscriptions.push(lenses);

	const commandServices = { ...services, files };
	context.subscriptions.push(
		vscode.commands.registerCommand(RUN_PROMPT_COMMAND, (uri?: vscode.Uri) => runPromptFile(commandServices, uri)),
		vscode.commands.registerCommand(COMPARE_PROMPT_COMMAND, (uri?: vscode.Uri) =>
			comparePromptFile(commandServices, uri),
		),
		vscode.commands.registerCommand(NEW_PROMPT_FILE_COMMAND, (uri?: vscode.Uri) => newPromptFile(registry, uri)),
	);
}
