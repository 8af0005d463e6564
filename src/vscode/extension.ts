import * as vscode from 'vscode';
import { ConversationStore } from '../core/chat/store';
import { ChatController } from './chat/chatController';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat/chatView';
import { registerCommands } from './commands';
import { KeyStore } from './keys';
import { createLogChannel, loggerFor } from './log';
import { ModelRegistry } from './models';
import { TokenCountStatusBar } from './statusBar';
import { createTokenCounter } from './tokenCounter';

let controller: ChatController | undefined;

/** Activates LLM Lab: wires the core into commands, the Chat view, the status bar and secret storage. */
export function activate(context: vscode.ExtensionContext): void {
	const started = performance.now();
	const log = createLogChannel();
	context.subscriptions.push(log);
	const logger = loggerFor(log);

	const keys = new KeyStore(context.secrets, context.globalState, logger);
	const registry = new ModelRegistry(context.globalState, keys, logger);
	context.subscriptions.push(registry);

	const counter = createTokenCounter(vscode.Uri.joinPath(context.extensionUri, 'out', 'token-worker.js').fsPath, logger);
	context.subscriptions.push(counter);

	const store = new ConversationStore(vscode.Uri.joinPath(context.globalStorageUri, 'conversations').fsPath, logger);
	controller = new ChatController(store, registry, counter, logger, context.workspaceState);
	context.subscriptions.push(controller);

	const view = new ChatViewProvider(context.extensionUri, controller, logger);
	context.subscriptions.push(
		view,
		vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: false } }),
	);

	context.subscriptions.push(...registerCommands({ registry, keys, controller, view, counter, log, logger }));
	context.subscriptions.push(new TokenCountStatusBar(registry, counter, logger));

	logger.info(`LLM Lab ${context.extension.packageJSON.version as string} activated in ${(performance.now() - started).toFixed(1)} ms.`);
}

/** Writes conversations that still have pending changes. */
export async function deactivate(): Promise<void> {
	await controller?.flush();
}
