import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Variant } from '../../core/compare/types';
import { loadFewShot } from '../../core/compare/variantsFile';
import { CompareInputError, TemplateVariableError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { PromptDefinition } from '../../core/prompts/definition';
import {
	compareArguments,
	missingVariables,
	promptVariants,
	renderVariant,
	variableDefaults,
} from '../../core/prompts/variants';
import type { ChatController } from '../chat/chatController';
import type { ChatViewProvider } from '../chat/chatView';
import type { ModelRegistry } from '../models';
import { isPromptDocument, type PromptFiles } from './promptFiles';
import { startConversation } from './startConversation';

/** The command of the Compare panel, which another part of LLM Lab registers. */
export const COMPARE_MODELS_COMMAND = 'llmLab.compareModels';

export interface PromptCommandServices {
	files: PromptFiles;
	registry: ModelRegistry;
	controller: ChatController;
	view: ChatViewProvider;
	logger: Logger;
}

/**
 * Runs a prompt file in the chat as a new conversation: its system message becomes the conversation's system prompt,
 * its few-shot messages the history, and its last user message is sent, so the reply streams at once. The file's
 * model (its first variant's) is selected first. Variables without a default are asked for.
 * NOTE: the chat sends with the llmLab.temperature and llmLab.maxTokens settings, so the file's `parameters` apply
 * only in the Compare panel.
 */
export async function runPromptFile(services: PromptCommandServices, uri?: vscode.Uri): Promise<void> {
	const document = await promptDocument(uri);
	const definition = document && checkedDefinition(services, document);
	if (!document || !definition) {
		return;
	}
	const variant = await firstVariant(services, document, definition);
	const values = variant && (await askForValues(definition));
	if (!variant || !values) {
		return;
	}

	let messages;
	try {
		messages = renderVariant(variant, values);
	} catch (error) {
		if (error instanceof TemplateVariableError) {
			void vscode.window.showErrorMessage(`LLM Lab: ${error.message}`);
			return;
		}
		throw error;
	}
	if (!(await isProviderConfigured(services, variant.model))) {
		return;
	}

	if (variant.model !== services.registry.selectedModelId()) {
		await services.registry.selectModel(variant.model);
	}
	const title = path.posix.basename(document.uri.path).replace(/\.prompt\.md$/i, '');
	services.logger.info(`Running ${document.uri.toString()} on ${variant.model} with ${messages.length} messages.`);
	await startConversation(services.controller, services.view, title, messages);
}

/** Reports whether the model's provider is configured; when it is not, shows an error with a button for the setting. */
async function isProviderConfigured(services: PromptCommandServices, model: string): Promise<boolean> {
	if (services.registry.profile(model)) {
		return true;
	}
	const choice = await vscode.window.showErrorMessage(
		`LLM Lab: the provider of ${model} is not configured. Add it to the llmLab.providers setting, or change the model.`,
		'Open Settings',
	);
	if (choice === 'Open Settings') {
		await vscode.commands.executeCommand('workbench.action.openSettings', 'llmLab.providers');
	}
	return false;
}

/** Opens a prompt file's variants, with the variables' defaults as the input, in the Compare panel. */
export async function comparePromptFile(services: PromptCommandServices, uri?: vscode.Uri): Promise<void> {
	const document = await promptDocument(uri);
	const definition = document && checkedDefinition(services, document);
	if (!document || !definition) {
		return;
	}
	let args;
	try {
		args = compareArguments(
			definition,
			services.registry.selectedModelId(),
			await datasetUri(document, definition),
		);
		args.variants = await Promise.all(
			(args.variants ?? []).map((variant) => withFewShotExamples(document, variant)),
		);
	} catch (error) {
		if (error instanceof CompareInputError) {
			void vscode.window.showErrorMessage(`LLM Lab: ${error.message}`);
			return;
		}
		throw error;
	}
	const commands = await vscode.commands.getCommands(true);
	if (!commands.includes(COMPARE_MODELS_COMMAND)) {
		void vscode.window.showErrorMessage('LLM Lab: the Compare panel is not available in this version of LLM Lab.');
		return;
	}
	services.logger.info(`Comparing the ${args.variants?.length ?? 0} variants of ${document.uri.toString()}.`);
	await vscode.commands.executeCommand(COMPARE_MODELS_COMMAND, args);
}

/** Returns the prompt file to run: `uri`, or the active editor's document. Tells the user when there is none. */
async function promptDocument(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
	const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
	if (!document || !isPromptDocument(document)) {
		void vscode.window.showInformationMessage(
			'LLM Lab: open a *.prompt.md file first, then run this command again.',
		);
		return undefined;
	}
	return document;
}

/**
 * Returns the definition when it has no errors. Otherwise shows how many there are, with a button for the Problems
 * view.
 */
function checkedDefinition(
	services: PromptCommandServices,
	document: vscode.TextDocument,
): PromptDefinition | undefined {
	const definition = services.files.definitionOf(document);
	const file = vscode.workspace.asRelativePath(document.uri);
	if (definition.foreign) {
		void vscode.window.showInformationMessage(
			`LLM Lab: ${file} is a prompt file of another tool (its front matter has keys such as "mode" or "tools"), so LLM Lab does not run it.`,
		);
		return undefined;
	}
	const errors = definition.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
	if (errors > 0) {
		const problems = errors === 1 ? 'an error' : `${errors} errors`;
		void vscode.window
			.showErrorMessage(`LLM Lab: ${file} has ${problems}. Fix it first.`, 'Show Problems')
			.then((choice) => {
				if (choice === 'Show Problems') {
					void vscode.commands.executeCommand('workbench.actions.view.problems');
				}
			});
		return undefined;
	}
	return definition;
}

/** Returns the first variant with its few-shot examples loaded, or undefined after telling the user what is missing. */
async function firstVariant(
	services: PromptCommandServices,
	document: vscode.TextDocument,
	definition: PromptDefinition,
): Promise<Variant | undefined> {
	try {
		const [variant] = promptVariants(definition, services.registry.selectedModelId());
		return await withFewShotExamples(document, variant);
	} catch (error) {
		if (!(error instanceof CompareInputError)) {
			throw error;
		}
		const choice = await vscode.window.showErrorMessage(`LLM Lab: ${error.message}`, 'Select Model');
		if (choice === 'Select Model') {
			await vscode.commands.executeCommand('llmLab.selectModel');
		}
		return undefined;
	}
}

/** Adds the examples a variant takes from a fine-tuning file, whose path is relative to the prompt file. */
async function withFewShotExamples(document: vscode.TextDocument, variant: Variant): Promise<Variant> {
	if (!variant.examplesFrom) {
		return variant;
	}
	const file = path.resolve(path.dirname(document.uri.fsPath), variant.examplesFrom.file);
	const examples = await loadFewShot(file, variant.examplesFrom, variant.id);
	return { ...variant, examples: [...(variant.examples ?? []), ...examples] };
}

/** Returns the URI of the file's dataset, resolved against its folder. Throws `CompareInputError` when it is absent. */
async function datasetUri(document: vscode.TextDocument, definition: PromptDefinition): Promise<string | undefined> {
	const dataset = definition.options.dataset;
	if (dataset === undefined) {
		return undefined;
	}
	const uri = path.isAbsolute(dataset) ? vscode.Uri.file(dataset) : vscode.Uri.joinPath(document.uri, '..', dataset);
	try {
		await vscode.workspace.fs.stat(uri);
	} catch {
		throw new CompareInputError(
			`The dataset ${dataset} of the prompt file was not found at ${uri.fsPath}.`,
			uri.fsPath,
		);
	}
	return uri.toString();
}

/** Returns the defaults plus a value, asked for in an input box, for each used variable without one. */
async function askForValues(definition: PromptDefinition): Promise<Record<string, string> | undefined> {
	const values = variableDefaults(definition);
	for (const name of missingVariables(definition, values)) {
		const description = definition.options.variables.find((variable) => variable.name === name)?.description;
		const value = await vscode.window.showInputBox({
			title: `LLM Lab: Value of {{${name}}}`,
			prompt: description ?? `The text that replaces {{${name}}} in the prompt.`,
			ignoreFocusOut: true,
			validateInput: (text) => (text.trim() ? undefined : `Enter a value for {{${name}}}, or press Escape to cancel.`),
		});
		if (value === undefined) {
			return undefined;
		}
		values[name] = value;
	}
	return values;
}
