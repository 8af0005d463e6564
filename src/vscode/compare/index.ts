import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { summarizeRun } from '../../core/compare/aggregate';
import { readRunFile } from '../../core/compare/runFile';
import { CompareInputError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { parseModelId } from '../../core/models/profile';
import type { ChatController } from '../chat/chatController';
import type { ModelRegistry } from '../models';
import { chatParameters, type CompareModelsArgs, CompareController } from './compareController';
import { COMPARE_PANEL_TYPE, ComparePanel } from './comparePanel';
import type { RunOutcome } from './compareRunner';
import { runRowViews } from './datasets';
import { loadCompareEngine } from './engineBundle';
import { runLabel, RUNS_VIEW_ID, RunsViewProvider } from './runsView';

export type { CompareModelsArgs } from './compareController';

export interface CompareServices {
	registry: ModelRegistry;
	chat: ChatController;
	logger: Logger;
}

/** A run file as the Runs view's context menu passes it, or as a URI from a command call. */
type RunArgument = vscode.Uri | { kind: 'run'; run: { uri: vscode.Uri } } | undefined;

/**
 * Registers the Compare panel, its commands, the Runs view and "Compare This Prompt" in the Chat view. Every
 * disposable is added to `context.subscriptions` as it is created.
 */
export function registerCompare(context: vscode.ExtensionContext, services: CompareServices): void {
	const { registry, chat, logger } = services;
	// The controller's callback runs only after a run has finished, long after `panel` exists.
	const controller = new CompareController(registry, logger, context.workspaceState, () => panel.show());
	context.subscriptions.push(controller);
	const panel = new ComparePanel(context.extensionUri, controller, logger);
	context.subscriptions.push(panel);
	const runs = new RunsViewProvider(logger);
	context.subscriptions.push(
		runs,
		vscode.window.registerTreeDataProvider(RUNS_VIEW_ID, runs),
		vscode.window.registerWebviewPanelSerializer(COMPARE_PANEL_TYPE, {
			deserializeWebviewPanel: async (restored) => panel.restore(restored),
		}),
		vscode.commands.registerCommand('llmLab.compareModels', async (args?: CompareModelsArgs) => {
			panel.show();
			await controller.open(args ?? {});
		}),
		vscode.commands.registerCommand('llmLab.runComparison', (mode?: 'input' | 'dataset'): Promise<RunOutcome | undefined> => {
			panel.show();
			return controller.start(mode ?? 'dataset');
		}),
		vscode.commands.registerCommand('llmLab.compareThisPrompt', async () => {
			const args = await argsFromChat(chat, registry);
			if (!args) {
				void vscode.window.showInformationMessage('LLM Lab: send a message in the chat first, then compare it.');
				return;
			}
			panel.show();
			await controller.open(args);
		}),
		vscode.commands.registerCommand('llmLab.runs.open', async (argument?: RunArgument) => {
			const uri = await runUriOf(argument, runs, 'Open Run');
			if (uri) {
				panel.show();
				await controller.showRunFile(uri);
			}
		}),
		vscode.commands.registerCommand('llmLab.runs.delete', async (argument?: RunArgument) => {
			const uri = await runUriOf(argument, runs, 'Delete Run');
			if (uri) {
				await deleteRun(uri, logger);
				runs.refresh();
			}
		}),
		vscode.commands.registerCommand('llmLab.runs.exportCsv', async (argument?: RunArgument, target?: vscode.Uri) => {
			const uri = await runUriOf(argument, runs, 'Export Run as CSV');
			return uri ? exportRun(uri, 'csv', logger, target) : undefined;
		}),
		vscode.commands.registerCommand('llmLab.runs.exportHtml', async (argument?: RunArgument, target?: vscode.Uri) => {
			const uri = await runUriOf(argument, runs, 'Export Run as HTML');
			return uri ? exportRun(uri, 'html', logger, target) : undefined;
		}),
		vscode.commands.registerCommand('llmLab.runs.refresh', () => runs.refresh()),
	);
}

/** Builds the panel's arguments from the chat: the last user message as the input, the chat's model as variant A. */
async function argsFromChat(chat: ChatController, registry: ModelRegistry): Promise<CompareModelsArgs | undefined> {
	const conversation = await chat.active();
	const question = conversation.messages.filter((message) => message.role === 'user').at(-1);
	if (!question) {
		return undefined;
	}
	const model = conversation.model ?? registry.selectedModelId() ?? '';
	const name = parseModelId(model)?.name ?? model;
	const parameters = chatParameters(registry);
	const system = conversation.systemPrompt ? { system: conversation.systemPrompt } : {};
	return {
		variants: [
			{ id: 'a', label: name || 'A', model, ...system, parameters },
			{ id: 'b', label: 'B', model, ...system, parameters: { ...parameters } },
		],
		input: { input: question.content },
	};
}

/** Returns the run file a command acts on: its argument, or the one the user picks from the Runs view's list. */
async function runUriOf(argument: RunArgument, runs: RunsViewProvider, title: string): Promise<vscode.Uri | undefined> {
	if (argument instanceof vscode.Uri) {
		return argument;
	}
	if (argument && 'kind' in argument && argument.kind === 'run') {
		return argument.run.uri;
	}
	const listings = await runs.listRuns();
	if (listings.length === 0) {
		void vscode.window.showInformationMessage('LLM Lab: no saved runs in this workspace yet. Run a comparison in the Compare panel.');
		return undefined;
	}
	const picked = await vscode.window.showQuickPick(
		listings.map((listing) => ({
			label: runLabel(listing.header),
			description: new Date(listing.header.createdAt).toLocaleString(),
			detail: listing.header.variants.map((variant) => `${variant.label} (${variant.model})`).join(' vs '),
			uri: listing.uri,
		})),
		{ title: `LLM Lab: ${title}` },
	);
	return picked?.uri;
}

async function deleteRun(uri: vscode.Uri, logger: Logger): Promise<void> {
	const choice = await vscode.window.showWarningMessage(
		`Delete the run file ${vscode.workspace.asRelativePath(uri)}?`,
		{ modal: true, detail: 'It is moved to the trash where the system has one.' },
		'Delete',
	);
	if (choice !== 'Delete') {
		return;
	}
	await vscode.workspace.fs.delete(uri, { useTrash: true });
	logger.info(`Deleted the run file ${uri.fsPath}.`);
}

/**
 * Writes a run as CSV or as a self-contained HTML report next to it, or to `target`. Asks for the file when no target
 * is given. Returns the written file.
 */
async function exportRun(uri: vscode.Uri, format: 'csv' | 'html', logger: Logger, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
	let contents: Awaited<ReturnType<typeof readRunFile>>;
	try {
		contents = await readRunFile(uri.fsPath);
	} catch (error) {
		if (error instanceof CompareInputError) {
			void vscode.window.showErrorMessage(`LLM Lab: ${error.message}`);
			return undefined;
		}
		throw error;
	}
	const { header, records } = contents;

	const destination =
		target ??
		(await vscode.window.showSaveDialog({
			title: format === 'csv' ? 'LLM Lab: Export Run as CSV' : 'LLM Lab: Export Run as HTML',
			defaultUri: vscode.Uri.file(join(dirname(uri.fsPath), `${basename(uri.fsPath, '.jsonl')}.${format}`)),
			filters: format === 'csv' ? { CSV: ['csv'] } : { HTML: ['html'] },
		}));
	if (!destination) {
		return undefined;
	}

	const rows = await runRowViews(header, records, logger);
	const engine = loadCompareEngine();
	const text =
		format === 'csv'
			? engine.runToCsv(header, records, rows.some((row) => row.input !== '') ? rows : undefined)
			: engine.renderRunReport({ header, records, summaries: summarizeRun(header.variants, records), rows, label: runLabel(header) });
	await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(text));
	logger.info(`Exported run ${header.runId} to ${destination.fsPath}.`);
	if (!target) {
		void vscode.window.showInformationMessage(`LLM Lab: exported to ${vscode.workspace.asRelativePath(destination)}.`, 'Open').then((choice) => {
			if (choice) {
				void vscode.commands.executeCommand('vscode.open', destination);
			}
		});
	}
	return destination;
}
