/**
 * Serves the Chat view's page from 127.0.0.1 the way VS Code would (real `renderChatHtml`, real bundle and
 * stylesheet) and drives it in headless Chromium with a stand-in for `acquireVsCodeApi`.
 */

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/webview/chat/protocol';
import { createNonce, renderChatHtml } from '../../src/vscode/chat/chatHtml';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** What the stand-in API records in the page, read back by `ChatPage.readRecord`. */
export interface PageRecord {
	posted: WebviewToHost[];
	violations: string[];
	errors: string[];
	/** Set by a hostile payload if it ever runs. */
	injected?: string;
}

declare global {
	interface Window {
		chatTestRecord: PageRecord;
	}
}

/** Colours that `pageStubs.js` gives the warning and error theme variables, as `getComputedStyle` reports them. */
export const themeColors = {
	warning: 'rgb(204, 167, 0)',
	error: 'rgb(248, 81, 73)',
};

export class ChatPageServer {
	private constructor(
		private readonly server: Server,
		private readonly browser: Browser,
		readonly origin: string,
	) {}

	/** Bundles `src/webview/chat/main.ts`, starts the server on a free port and launches Chromium. */
	static async start(): Promise<ChatPageServer> {
		const bundle = await build({
			entryPoints: [path.join(repositoryRoot, 'src/webview/chat/main.ts')],
			bundle: true,
			format: 'iife',
			platform: 'browser',
			target: 'es2022',
			write: false,
			logLevel: 'silent',
		});
		const script = bundle.outputFiles[0].contents;
		const style = await readFile(path.join(repositoryRoot, 'media/chat.css'));

		let origin = '';
		const server = createServer((request, response) => {
			if (request.url === '/chat.js') {
				response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
			} else if (request.url === '/chat.css') {
				response.writeHead(200, { 'content-type': 'text/css' }).end(style);
			} else if (request.url === '/') {
				const html = renderChatHtml({
					cspSource: origin,
					nonce: createNonce(),
					scriptUri: `${origin}/chat.js`,
					styleUri: `${origin}/chat.css`,
				});
				response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
			} else {
				response.writeHead(404).end();
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

		const browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
			],
		});
		return new ChatPageServer(server, browser, origin);
	}

	/** Opens the page in a fresh context and waits until it has posted `webview/ready`. */
	async open(viewport = { width: 420, height: 720 }): Promise<ChatPage> {
		const context = await this.browser.newContext({ viewport, locale: 'en-US' });
		const page = await context.newPage();
		const chatPage = new ChatPage(context, page, this.origin);
		await page.addInitScript({ path: path.join(__dirname, 'pageStubs.js') });
		await chatPage.load();
		return chatPage;
	}

	async close(): Promise<void> {
		await this.browser.close();
		await new Promise((resolve) => this.server.close(resolve));
	}
}

export class ChatPage {
	/** URLs the page requested outside the test server; every test expects none. */
	readonly foreignRequests: string[] = [];

	constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		private readonly origin: string,
	) {
		page.on('request', (request) => {
			if (!request.url().startsWith(origin)) {
				this.foreignRequests.push(request.url());
			}
		});
	}

	async load(): Promise<void> {
		await this.page.goto(this.origin);
		await this.waitForPosted('webview/ready');
	}

	async reload(): Promise<void> {
		await this.page.reload();
		await this.waitForPosted('webview/ready');
	}

	/** Delivers host messages the way VS Code does, as `message` events on the window. */
	async send(...messages: HostToWebview[]): Promise<void> {
		await this.page.evaluate((list) => {
			for (const message of list) {
				window.postMessage(message, '*');
			}
		}, messages);
	}

	/** Waits until a message is no longer streaming, which the page marks with `aria-busy="false"`. */
	async waitForMessageIdle(messageId: string): Promise<void> {
		await this.page.locator(`[data-message-id="${messageId}"][aria-busy="false"]`).waitFor();
	}

	async readRecord(): Promise<PageRecord> {
		return this.page.evaluate(() => window.chatTestRecord);
	}

	async readPosted<T extends WebviewToHost['type']>(type: T): Promise<Array<Extract<WebviewToHost, { type: T }>>> {
		const { posted } = await this.readRecord();
		return posted.filter((message): message is Extract<WebviewToHost, { type: T }> => message.type === type);
	}

	async waitForPosted(type: WebviewToHost['type'], count = 1): Promise<void> {
		await this.page.waitForFunction(
			([wanted, minimum]) => window.chatTestRecord.posted.filter((m) => m.type === wanted).length >= minimum,
			[type, count] as const,
		);
	}

	async close(): Promise<void> {
		await this.context.close();
	}
}
