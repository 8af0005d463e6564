/**
 * Serves the Compare panel's page from 127.0.0.1 the way VS Code would (real `renderCompareHtml`, real bundle and
 * stylesheet) and drives it in headless Chromium with the stand-in for `acquireVsCodeApi` from `pageStubs.js`.
 */

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/webview/compare/protocol';
import { createNonce } from '../../src/vscode/chat/chatHtml';
import { renderCompareHtml } from '../../src/vscode/compare/compareHtml';
import type { PageRecord } from './chatPage';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** Arguments that start headless Chromium without any traffic of its own. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export class ComparePageServer {
	private constructor(
		private readonly server: Server,
		readonly browser: Browser,
		readonly origin: string,
	) {}

	/** Bundles `src/webview/compare/main.ts`, starts the server on a free port and launches Chromium. */
	static async start(): Promise<ComparePageServer> {
		const bundle = await build({
			entryPoints: [path.join(repositoryRoot, 'src/webview/compare/main.ts')],
			bundle: true,
			format: 'iife',
			platform: 'browser',
			target: 'es2022',
			write: false,
			logLevel: 'silent',
		});
		const script = bundle.outputFiles[0].contents;
		const style = await readFile(path.join(repositoryRoot, 'media/compare.css'));

		let origin = '';
		const server = createServer((request, response) => {
			if (request.url === '/compare.js') {
				response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
			} else if (request.url === '/compare.css') {
				response.writeHead(200, { 'content-type': 'text/css' }).end(style);
			} else if (request.url === '/') {
				const html = renderCompareHtml({
					cspSource: origin,
					nonce: createNonce(),
					scriptUri: `${origin}/compare.js`,
					styleUri: `${origin}/compare.css`,
				});
				response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
			} else {
				response.writeHead(404).end();
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
		return new ComparePageServer(server, browser, origin);
	}

	/** Opens the page in a fresh context and waits until it has posted `webview/ready`. */
	async open(viewport = { width: 1280, height: 900 }): Promise<ComparePage> {
		const context = await this.browser.newContext({ viewport, locale: 'en-US' });
		const page = await context.newPage();
		const comparePage = new ComparePage(context, page, this.origin);
		await page.addInitScript({ path: path.join(__dirname, 'pageStubs.js') });
		await page.goto(this.origin);
		await comparePage.waitForPosted('webview/ready');
		return comparePage;
	}

	async close(): Promise<void> {
		await this.browser.close();
		await new Promise((resolve) => this.server.close(resolve));
	}
}

export class ComparePage {
	/** URLs the page requested outside the test server; every test expects none. */
	readonly foreignRequests: string[] = [];

	constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		origin: string,
	) {
		page.on('request', (request) => {
			if (!request.url().startsWith(origin)) {
				this.foreignRequests.push(request.url());
			}
		});
	}

	/** Delivers host messages the way VS Code does, as `message` events on the window. */
	async send(...messages: HostToWebview[]): Promise<void> {
		await this.page.evaluate((list) => {
			for (const message of list) {
				window.postMessage(message, '*');
			}
		}, messages);
	}

	async readRecord(): Promise<PageRecord> {
		return this.page.evaluate(() => window.chatTestRecord);
	}

	async readPosted<T extends WebviewToHost['type']>(type: T): Promise<Array<Extract<WebviewToHost, { type: T }>>> {
		const { posted } = await this.readRecord();
		return (posted as unknown as WebviewToHost[]).filter((message): message is Extract<WebviewToHost, { type: T }> => message.type === type);
	}

	async waitForPosted(type: WebviewToHost['type'], count = 1): Promise<void> {
		await this.page.waitForFunction(
			([wanted, minimum]) => window.chatTestRecord.posted.filter((m) => (m as { type: string }).type === wanted).length >= minimum,
			[type, count] as const,
		);
	}

	async close(): Promise<void> {
		await this.context.close();
	}
}
