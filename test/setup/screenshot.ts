// Takes media/screenshot.png, the README's picture of LLM Lab, in a real code-server with a real llama-server model.
//
// Builds the extension, installs it into a temporary extensions dir and starts llama-server and code-server on
// 127.0.0.1. Then it drives the workbench in headless Chromium the way a user would. It opens a TypeScript file,
// selects a few lines, opens the Chat view, sends a question and takes the screenshot once the reply has finished.
// code-server runs without the smoke-test driver, so the workbench looks as it does for a user.
//
// Usage: node --import tsx test/setup/screenshot.ts [OUTPUT]   (OUTPUT defaults to media/screenshot.png)
// Needs: bash test/setup/install-code-server.sh, bash test/setup/install-llama-server.sh
import { spawnSync, type ChildProcess } from 'node:child_process';
import {
	cpSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { findFreePort, startLlamaServer, type LlamaServer } from '../fixtures/llama-server';
import { type CodeServerPaths, readCodeServerPaths, spawnCodeServer, stopProcessGroup, waitForCodeServer } from './codeServer';


const REPO_ROOT = resolve(__dirname, '..', '..');
const OUTPUT = resolve(process.argv[2] ?? join(REPO_ROOT, 'media', 'screenshot.png'));
const VIEWPORT = { width: 1400, height: 900 };
/** Width of the side bar with the Chat view, in CSS pixels, because the default of about 300 wraps most lines. */
const SIDE_BAR_WIDTH = 440;
/** The README embeds the picture, so it should stay small enough to load quickly on a repository page. */
const MAX_SCREENSHOT_BYTES = 250_000;
const START_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 60_000;
/** The tiny model writes its 48 tokens in about a second, so most of this is room for a busy machine. */
const REPLY_TIMEOUT_MS = 120_000;

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

/** File shown in the editor, and the lines selected in it (1-based, inclusive). */
const SAMPLE_FILE = 'src/retry.ts';
const SELECTED_LINES = { first: 15, last: 28 };
const SAMPLE_SOURCE = `/** Options for {@link withRetry}. */
export interface RetryOptions {
	/** Attempts in total, including the first one. */
	attempts: number;
	/** Delay before the second attempt, in milliseconds. It doubles after each failure. */
	baseDelayMs: number;
	/** Upper limit for a single delay, in milliseconds. */
	maxDelayMs?: number;
	signal?: AbortSignal;
}

/** Runs \`operation\` until it succeeds, waiting longer after each failure, and rethrows the last error. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
	let delayMs = options.baseDelayMs;
	for (let attempt = 1; ; attempt++) {
		try {
			return await operation(attempt);
		} catch (error) {
			if (attempt >= options.attempts || options.signal?.aborted) {
				throw error;
			}
		}
		// Up to 20% random jitter, so that clients that failed together do not retry together.
		const jitterMs = Math.random() * delayMs * 0.2;
		await sleep(Math.min(delayMs + jitterMs, options.maxDelayMs ?? Infinity), options.signal);
		delayMs *= 2;
	}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener(
			'abort',
			() => {
				clearTimeout(timer);
				reject(signal.reason);
			},
			{ once: true },
		);
	});
}
`;
// NOTE: the tiny model has random weights, so its reply is noise. llama-server ends some replies with the error
// "does not match the expected peg-native format". With greedy decoding, this question gets a complete reply.
const QUESTION = 'How many times does withRetry call operation?';

/** Settings that keep the workbench from contacting the extension gallery and other services on the internet. */
const OFFLINE_SETTINGS = {
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'extensions.ignoreRecommendations': true,
	'update.mode': 'none',
	'telemetry.telemetryLevel': 'off',
	'workbench.enableExperiments': false,
	'chat.disableAIFeatures': true,
};

/** Settings for the picture: a dark theme, no welcome page, tips or empty secondary side bar, and no preview tabs. */
const LOOK_SETTINGS = {
	'workbench.colorTheme': 'Default Dark Modern',
	'workbench.startupEditor': 'none',
	'workbench.secondarySideBar.defaultVisibility': 'hidden',
	'workbench.tips.enabled': false,
	'workbench.editor.enablePreview': false,
	'security.workspace.trust.enabled': false,
};

function log(message: string): void {
	console.log(`[screenshot] ${message}`);
}

function buildExtension(): void {
	log('building the extension');
	const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
	if (result.status !== 0) {
		throw new Error(`node esbuild.js failed with ${result.signal ?? `exit code ${result.status}`}`);
	}
}

/**
 * Copies the manifest and the bundles into `extensionsDir/publisher.name-version`, the folder that VS Code unpacks a
 * .vsix into. The bundles contain the dependencies, so node_modules is not copied.
 */
function installExtension(extensionsDir: string): void {
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		publisher: string;
		name: string;
		version: string;
	};
	const extensionDir = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
	mkdirSync(extensionDir, { recursive: true });
	for (const entry of ['package.json', 'out', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
		const source = join(REPO_ROOT, entry);
		if (existsSync(source)) {
			cpSync(source, join(extensionDir, entry), { recursive: true });
		}
	}
	log(`installed the extension into ${extensionDir}`);
}

/** Returns the id of the first model that llama-server lists under /v1/models. */
async function readModelId(llamaServer: LlamaServer): Promise<string> {
	const response = await fetch(`${llamaServer.baseUrl}/v1/models`, { signal: AbortSignal.timeout(5_000) });
	if (!response.ok) {
		throw new Error(`GET ${llamaServer.baseUrl}/v1/models failed with HTTP ${response.status}`);
	}
	const body = (await response.json()) as { data?: Array<{ id?: string }> };
	const id = body.data?.[0]?.id;
	if (!id) {
		throw new Error(`GET ${llamaServer.baseUrl}/v1/models returned no model: ${JSON.stringify(body)}`);
	}
	return id;
}

/**
 * Writes the user settings, and the provider entry again as a remote machine setting. The workbench counts as a
 * remote window in code-server, and there VS Code ignores user settings of `machine-overridable` scope, which
 * `llmLab.providers` has.
 */
function writeSettings(userDataDir: string, llamaServer: LlamaServer, modelId: string): void {
	const providers = [{ id: 'llama', name: 'llama.cpp', kind: 'openai', baseUrl: `${llamaServer.baseUrl}/v1` }];
	const userSettings = {
		...OFFLINE_SETTINGS,
		...LOOK_SETTINGS,
		'llmLab.providers': providers,
		'llmLab.defaultModel': `llama:${modelId}`,
		'llmLab.maxTokens': 48,
		// Greedy decoding, so every run gets the same reply from the same model.
		'llmLab.temperature': 0,
	};
	writeJson(join(userDataDir, 'User', 'settings.json'), userSettings);
	writeJson(join(userDataDir, 'Machine', 'settings.json'), { 'llmLab.providers': providers });
}

function writeJson(path: string, value: unknown): void {
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, JSON.stringify(value, null, '\t'));
}

/** Starts code-server without the smoke-test driver, so the workbench looks as it does for a user. */
function startCodeServer(paths: CodeServerPaths, port: number, runDir: string, workspace: string): ChildProcess {
	return spawnCodeServer({
		paths,
		port,
		runDir,
		workspace,
		extensionsDir: join(runDir, 'extensions'),
		userDataDir: join(runDir, 'user-data'),
		smokeTestDriver: false,
		log,
	});
}

async function openSampleFile(page: Page): Promise<void> {
	const fileName = SAMPLE_FILE.split('/').pop() ?? SAMPLE_FILE;
	await page.keyboard.press('Control+P');
	const quickInput = page.locator('.quick-input-widget input');
	await quickInput.waitFor();
	await quickInput.pressSequentially(fileName);
	await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
	await page.keyboard.press('Enter');
	await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor();
	await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Selects whole lines with Go to Line and Shift+Down, so the status bar shows the selection's counts. */
async function selectLines(page: Page): Promise<void> {
	await page.keyboard.press('Control+G');
	const quickInput = page.locator('.quick-input-widget input');
	await quickInput.waitFor();
	await quickInput.pressSequentially(String(SELECTED_LINES.first));
	await page.keyboard.press('Enter');
	await quickInput.waitFor({ state: 'hidden' });
	await page.keyboard.press('Home');
	for (let line = SELECTED_LINES.first; line <= SELECTED_LINES.last; line++) {
		await page.keyboard.press('Shift+ArrowDown');
	}
	await page.locator('.statusbar-item', { hasText: /selected/ }).first().waitFor();
}

/** Drags the sash between the side bar and the editor, so the side bar gets `width` pixels. */
async function resizeSideBar(page: Page, width: number): Promise<void> {
	const box = await page.locator('.part.sidebar').boundingBox();
	if (!box) {
		throw new Error('the side bar is not visible, so it cannot be resized');
	}
	const y = box.y + box.height / 2;
	await page.mouse.move(box.x + box.width, y);
	await page.mouse.down();
	await page.mouse.move(box.x + width, y, { steps: 10 });
	await page.mouse.up();
}

/** Opens the Chat view and returns its page, the inner frame of the webview's two nested iframes. */
async function openChatView(page: Page): Promise<FrameLocator> {
	await page.locator('.part.activitybar .action-item a[aria-label^="LLM Lab"]').click();
	const chat = page.locator('iframe.webview.ready').contentFrame().locator('iframe#active-frame').contentFrame();
	await chat.locator('#send').waitFor({ state: 'attached' });
	return chat;
}

async function askQuestion(chat: FrameLocator): Promise<void> {
	const input = chat.locator('#input');
	await input.click();
	await input.pressSequentially(QUESTION, { delay: 5 });
	await chat.locator('#send:not([disabled])').waitFor();
	await input.press('Enter');
	const reply = chat.locator('article.message-assistant:not(.status-streaming)');
	await reply.waitFor({ timeout: REPLY_TIMEOUT_MS });
	const status = /\bstatus-(\w+)/.exec((await reply.getAttribute('class')) ?? '')?.[1];
	if (status !== 'done') {
		const notice = await reply.locator('.message-notice').textContent();
		throw new Error(`the reply ended with status "${status}" instead of "done": ${notice}`);
	}
	await reply.locator('.stat-tokens').waitFor();
	await chat.locator('#meter:not([hidden])').waitFor();
}

async function takeScreenshot(browser: Browser, url: string, debugDir: string): Promise<void> {
	const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US' });
	page.setDefaultTimeout(STEP_TIMEOUT_MS);
	const consoleLog = createWriteStream(join(debugDir, 'workbench-console.log'));
	page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
	page.on('pageerror', (error) => consoleLog.write(`[page error] ${error.stack ?? error.message}\n`));
	try {
		await page.goto(url);
		await page.locator('.monaco-workbench .part.activitybar').waitFor();
		// The explorer lists the workspace once the file service is ready, and Quick Open needs it.
		await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
		log('workbench loaded');

		await openSampleFile(page);
		await selectLines(page);
		log(`opened ${SAMPLE_FILE} and selected lines ${SELECTED_LINES.first}-${SELECTED_LINES.last}`);

		const chat = await openChatView(page);
		await resizeSideBar(page, SIDE_BAR_WIDTH);
		await askQuestion(chat);
		log('the reply is complete');

		// Move the pointer to the empty part of the title bar, so no hover or tooltip ends up in the picture.
		await page.mouse.move(VIEWPORT.width - 250, 15);
		await page.waitForTimeout(500);
		mkdirSync(dirname(OUTPUT), { recursive: true });
		await page.screenshot({ path: OUTPUT, type: 'png' });
	} catch (error) {
		await page.screenshot({ path: join(debugDir, 'failure.png') }).catch(() => undefined);
		throw error;
	} finally {
		await new Promise((resolve) => consoleLog.end(resolve));
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	const paths = readCodeServerPaths();
	buildExtension();

	const runDir = mkdtempSync(join(tmpdir(), 'llm-lab-screenshot-'));
	const workspace = join(runDir, 'workspace');
	mkdirSync(join(workspace, dirname(SAMPLE_FILE)), { recursive: true });
	writeFileSync(join(workspace, SAMPLE_FILE), SAMPLE_SOURCE);
	installExtension(join(runDir, 'extensions'));

	let succeeded = false;
	try {
		const llamaServer = await startLlamaServer();
		running.llamaServer = llamaServer;
		const modelId = await readModelId(llamaServer);
		log(`llama-server ready at ${llamaServer.baseUrl} with model ${modelId}`);
		writeSettings(join(runDir, 'user-data'), llamaServer, modelId);

		const port = await findFreePort();
		const baseUrl = `http://127.0.0.1:${port}`;
		running.codeServer = startCodeServer(paths, port, runDir, workspace);
		await waitForCodeServer(baseUrl, running.codeServer, START_TIMEOUT_MS);

		running.browser = await chromium.launch({
			executablePath: paths.chromium,
			headless: true,
			args: CHROMIUM_ARGS,
			// Playwright's own Ctrl+C handler exits the process once Chromium is closed, before code-server is stopped.
			handleSIGINT: false,
			handleSIGTERM: false,
			handleSIGHUP: false,
		});
		const url = `${baseUrl}/?${new URLSearchParams({ folder: workspace }).toString()}`;
		await takeScreenshot(running.browser, url, runDir);

		const bytes = statSync(OUTPUT).size;
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		log(`wrote ${OUTPUT} (${Math.round(bytes / 1000)} KB) in ${seconds} s`);
		if (bytes > MAX_SCREENSHOT_BYTES) {
			throw new Error(
				`${OUTPUT} is ${bytes} bytes, more than the maximum of ${MAX_SCREENSHOT_BYTES}. ` +
					'Show less in the picture or make VIEWPORT smaller.',
			);
		}
		succeeded = true;
	} finally {
		await stopAll();
		if (succeeded) {
			rmSync(runDir, { recursive: true, force: true });
		} else {
			log(`kept ${runDir} for inspection (code-server.log, workbench-console.log, failure.png)`);
		}
	}
}

/** Processes that this script started, so that a signal can stop them too. */
const running: { llamaServer?: LlamaServer; codeServer?: ChildProcess; browser?: Browser } = {};

let stopping: Promise<void> | undefined;

/** Stops everything in `running`. Later calls return the promise of the first, so no caller exits halfway. */
function stopAll(): Promise<void> {
	stopping ??= stopRunning();
	return stopping;
}

async function stopRunning(): Promise<void> {
	const { browser, codeServer, llamaServer } = running;
	await browser?.close().catch((error: Error) => log(`closing Chromium failed: ${error.message}`));
	if (codeServer) {
		await stopProcessGroup(codeServer, log);
	}
	await llamaServer?.stop();
}

// code-server runs in its own process group, so Ctrl+C reaches it only through this script.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		log(`received ${signal}, stopping code-server and llama-server`);
		void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	});
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`[screenshot] ${error.stack ?? error.message}`);
		process.exit(1);
	},
);
