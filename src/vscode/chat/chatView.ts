import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { HostToWebview, WebviewToHost } from '../../webview/chat/protocol';
import type { ChatController } from './chatController';
import { createNonce, renderChatHtml } from './chatHtml';

export const CHAT_VIEW_ID = 'llmLab.chat';

/** The Chat view in the LLM Lab sidebar: a webview whose page renders what the controller sends. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
	private view: vscode.WebviewView | undefined;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly controller: ChatController,
		private readonly logger: Logger,
	) {}

	dispose(): void {
		for (const disposable of this.disposables.splice(0)) {
			disposable.dispose();
		}
	}

	resolveWebviewView(view: vscode.WebviewView): void {
		this.dispose();
		this.view = view;
		const webview = view.webview;
		webview.options = {
			enableScripts: true,
			localResourceRoots: [
				vscode.Uri.joinPath(this.extensionUri, 'out', 'webview'),
				vscode.Uri.joinPath(this.extensionUri, 'media'),
			],
		};
		webview.html = renderChatHtml({
			cspSource: webview.cspSource,
			nonce: createNonce(),
			scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'out', 'webview', 'chat.js')).toString(),
			styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'chat.css')).toString(),
			language: vscode.env.language,
		});
		const post = (message: HostToWebview) => {
			void webview.postMessage(message);
		};
		this.disposables.push(
			this.controller.attach(post),
			webview.onDidReceiveMessage((message: WebviewToHost) => {
				this.controller.handle(message).catch((error: unknown) => {
					this.logger.error(`The chat view's ${message.type} message failed: ${String(error)}`);
				});
			}),
			view.onDidDispose(() => {
				this.view = undefined;
				this.dispose();
			}),
		);
	}

	/** Opens and focuses the view. */
	async reveal(): Promise<void> {
		if (this.view) {
			this.view.show(false);
			return;
		}
		await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
	}
}
