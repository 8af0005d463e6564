import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { HostToWebview, WebviewToHost } from '../../webview/compare/protocol';
import { createNonce } from '../chat/chatHtml';
import type { CompareController } from './compareController';
import { renderCompareHtml } from './compareHtml';

export const COMPARE_PANEL_TYPE = 'llmLab.compare';

/**
 * The Compare panel: one editor webview panel whose page renders what the controller sends. Closing it only detaches
 * the page; a run goes on, and reopening the panel shows it again.
 */
export class ComparePanel implements vscode.Disposable {
	private panel: vscode.WebviewPanel | undefined;
	private panelDisposables: vscode.Disposable[] = [];

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly controller: CompareController,
		private readonly logger: Logger,
	) {}

	/** Opens the panel, or brings it to the front. */
	show(): void {
		if (this.panel) {
			this.panel.reveal(undefined, false);
			return;
		}
		const panel = vscode.window.createWebviewPanel(COMPARE_PANEL_TYPE, 'Compare Models', vscode.ViewColumn.Active, {
			enableScripts: true,
			localResourceRoots: this.resourceRoots(),
		});
		this.setUp(panel);
	}

	/** Takes over a panel that VS Code restored after a reload. */
	restore(panel: vscode.WebviewPanel): void {
		this.panel?.dispose();
		this.setUp(panel);
	}

	isOpen(): boolean {
		return this.panel !== undefined;
	}

	dispose(): void {
		this.panel?.dispose();
		this.disposePanelListeners();
	}

	private setUp(panel: vscode.WebviewPanel): void {
		this.disposePanelListeners();
		this.panel = panel;
		const webview = panel.webview;
		webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
		webview.html = renderCompareHtml({
			cspSource: webview.cspSource,
			nonce: createNonce(),
			scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'out', 'webview', 'compare.js')).toString(),
			styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'compare.css')).toString(),
			language: vscode.env.language,
		});
		const post = (message: HostToWebview) => {
			void webview.postMessage(message);
		};
		this.panelDisposables.push(
			this.controller.attach(post),
			webview.onDidReceiveMessage((message: WebviewToHost) => {
				this.controller.handle(message).catch((error: unknown) => {
					this.logger.error(`The Compare panel's ${message.type} message failed: ${String(error)}`);
				});
			}),
			panel.onDidDispose(() => {
				if (this.panel === panel) {
					this.panel = undefined;
					this.disposePanelListeners();
				}
			}),
		);
	}

	private resourceRoots(): vscode.Uri[] {
		return [vscode.Uri.joinPath(this.extensionUri, 'out', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')];
	}

	private disposePanelListeners(): void {
		for (const disposable of this.panelDisposables.splice(0)) {
			disposable.dispose();
		}
	}
}
