import * as vscode from 'vscode';
import type { Conversation } from '../core/chat/conversation';
import type { ChatNotice } from '../webview/chat/protocol';
import { ConversationStore } from '../core/chat/store';
import { ChatController } from './chat/chatController';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat/chatView';
import { registerCommands } from './commands';
import { registerCompare } from './compare';
import { registerDatasetDiagnostics } from './datasets';
import { KeyStore } from './keys';
import { createLogChannel, loggerFor } from './log';
import { ModelRegistry } from './models';
import { registerPromptFiles } from './prompts';
import { TokenCountStatusBar } from './statusBar';
import { createTokenCounter } from './tokenCounter';
import { registerTokenFeatures, type TokenFeaturesApi } from './tokens';

let controller: ChatController | undefined;

/**
 * What `activate` returns to other extensions and to the extension-host tests: read-only views of what the user sees,
 * plus sending a chat message the way the Chat view does.
 */
export interface LlmLabApi {
	/** Text of the status bar token counter, or undefined while it is hidden. */
	tokenCountText(): string | undefined;
	/** Sends a message in the active conversation and resolves when the reply has finished. */
	sendChatMessage(text: string): Promise<void>;
	/** The active conversation as stored. */
	activeConversation(): Promise<Conversation>;
	/** The notice the Chat view shows now (errors, first-run help, a request that does not fit). */
	currentNotice(): ChatNotice | undefined;
	/** Folder where conversations are stored, one JSON file each. */
	conversationsFolder: string;
	/** Milliseconds `activate` took, also written to the log. */
	activationMs: number;
	/** The token view, Compare Tokenizers and the Tokens view. */
	tokens: TokenFeaturesApi;
}

/** Activates LLM Lab: wires the core into commands, the Chat view, the status bar and secret storage. */
export function activate(context: vscode.ExtensionContext): LlmLabApi {
	const started = performance.now();
	const log = createLogChannel();
	context.subscriptions.push(log);
	const logger = loggerFor(log);

	const keys = new KeyStore(context.secrets, context.globalState, logger);
	const counter = createTokenCounter(
		vscode.Uri.joinPath(context.extensionUri, 'out', 'token-worker.js').fsPath,
		logger,
		vscode.Uri.joinPath(context.globalStorageUri, 'tokenizers').fsPath,
	);
	context.subscriptions.push(counter);

	const registry = new ModelRegistry(context.globalState, keys, logger);
	registry.useLocalTokenizers(counter);
	context.subscriptions.push(registry);

	const conversationsFolder = vscode.Uri.joinPath(context.globalStorageUri, 'conversations').fsPath;
	const store = new ConversationStore(conversationsFolder, logger);
	const chat = new ChatController(store, registry, counter, logger, context.workspaceState, context.globalState);
	controller = chat;
	context.subscriptions.push(chat);

	const view = new ChatViewProvider(context.extensionUri, chat, logger);
	context.subscriptions.push(
		view,
		vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: false } }),
	);

	context.subscriptions.push(...registerCommands({ registry, keys, controller: chat, view, counter, log, logger }));
	const statusBar = new TokenCountStatusBar(registry, counter, logger);
	context.subscriptions.push(statusBar);
	const tokens = registerTokenFeatures(context, { registry, counter, logger });
	registerPromptFiles(context, { registry, counter, controller: chat, view, logger });
	registerDatasetDiagnostics(context, { logger });
	registerCompare(context, { registry, chat, logger });

	const activationMs = performance.now() - started;
	logger.info(`LLM Lab ${context.extension.packageJSON.version as string} activated in ${activationMs.toFixed(1)} ms.`);
	return {
		tokenCountText: () => statusBar.text(),
		sendChatMessage: async (text) => {
			const conversation = await chat.active();
			await chat.handle({ type: 'chat/send', conversationId: conversation.id, text });
		},
		activeConversation: () => chat.active(),
		currentNotice: () => chat.currentNotice(),
		conversationsFolder,
		activationMs,
		tokens,
	};
}

/** Writes conversations that still have pending changes. */
export async function deactivate(): Promise<void> {
	await controller?.flush();
}
