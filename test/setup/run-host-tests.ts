// Runs the extension-host tests (out/test/host/index.js) inside code-server's Node extension host.
//
// Starts llama-server and code-server on 127.0.0.1 with a temporary user-data dir, extensions dir and workspace.
// Then opens the workbench in headless Chromium with extensionDevelopmentPath and extensionTestsPath in the payload
// URL parameter, relays the test output and exits with the tests' exit code.
//
// Every LLM_LAB_TEST_* variable of this process reaches the extension host, where tests read it from process.env.
// This runner adds LLM_LAB_TEST_LLAMA_URL, the root URL of the llama-server it starts.
//
// Usage: node --import tsx test/setup/run-host-tests.ts
// Needs: bash test/setup/install-code-server.sh, bash test/setup/install-llama-server.sh, node esbuild.js --tests
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { findFreePort, startLlamaServer, type LlamaServer } from '../fixtures/llama-server';
import { OUTPUT_PREFIX } from '../host/index';
import { type CodeServerPaths, readCodeServerPaths, spawnCodeServer, stopProcessGroup, waitForCodeServer } from './codeServer';

const REPO_ROOT = resolve(__dirname, '..', '..');
const TESTS_ENTRY = join(REPO_ROOT, 'out', 'test', 'host', 'index.js');
const TEST_TIMEOUT_MS = Number(process.env.LLM_LAB_HOST_TEST_TIMEOUT_MS || 300_000);
const START_TIMEOUT_MS = 60_000;

/** Settings that keep the workbench from contacting the extension gallery and other services on the internet. */
const USER_SETTINGS = {
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'extensions.ignoreRecommendations': true,
	'update.mode': 'none',
	'telemetry.telemetryLevel': 'off',
	'workbench.enableExperiments': false,
	'chat.disableAIFeatures': true,
};

function log(message: string): void {
	console.log(`[run-host-tests] ${message}`);
}

/** Writes the offline settings and starts code-server with the smoke-test driver, which runs the tests. */
function startCodeServer(paths: CodeServerPaths, port: number, runDir: string, workspace: string): ChildProcess {
	const userDataDir = join(runDir, 'user-data');
	const extensionsDir = join(runDir, 'extensions');
	mkdirSync(join(userDataDir, 'User'), { recursive: true });
	writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, '\t'));
	mkdirSync(extensionsDir, { recursive: true });
	return spawnCodeServer({ paths, port, runDir, workspace, extensionsDir, userDataDir, smokeTestDriver: true, log });
}

function buildWorkbenchUrl(baseUrl: string, workspace: string): string {
	const host = new URL(baseUrl).host;
	const remote = (path: string) => `vscode-remote://${host}${path}`;
	const payload = [
		['extensionDevelopmentPath', remote(REPO_ROOT)],
		['extensionTestsPath', remote(TESTS_ENTRY)],
	];
	const query = new URLSearchParams({ folder: workspace, payload: JSON.stringify(payload) });
	return `${baseUrl}/?${query.toString()}`;
}

/**
 * Opens the workbench and resolves with the exit code that the test runner reports, 'timeout' or 'crash'.
 * Prints the test output and writes every other workbench console message to consoleLogFile.
 */
async function runTestsInBrowser(
	browser: Browser,
	url: string,
	consoleLogFile: string,
): Promise<number | 'timeout' | 'crash'> {
	const workbenchLog = createWriteStream(consoleLogFile);
	const page = await browser.newPage();
	let reportExit: (code: number | 'crash') => void = () => undefined;
	const exitCode = new Promise<number | 'crash'>((resolve) => {
		reportExit = resolve;
	});
	await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
		// The arguments are those of a console call, so a format string such as '%d passing' comes first.
		const message = format(...args);
		if (message.startsWith(OUTPUT_PREFIX)) {
			console.log(message.slice(OUTPUT_PREFIX.length));
		} else {
			workbenchLog.write(`[${type}] ${message}\n`);
		}
	});
	await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
	page.on('pageerror', (error) => workbenchLog.write(`[page error] ${error.stack ?? error.message}\n`));
	page.once('crash', () => reportExit('crash'));
	await page.goto(url);
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), TEST_TIMEOUT_MS);
	});
	const result = await Promise.race([exitCode, timeout]);
	clearTimeout(timer);
	await new Promise((resolve) => workbenchLog.end(resolve));
	return result;
}

async function main(): Promise<number> {
	if (!existsSync(TESTS_ENTRY)) {
		throw new Error(`${TESTS_ENTRY} not found. Run \`node esbuild.js --tests\` first.`);
	}
	const paths = readCodeServerPaths();
	const runDir = mkdtempSync(join(tmpdir(), 'llm-lab-host-tests-'));
	const workspace = join(runDir, 'workspace');
	mkdirSync(workspace);
	writeFileSync(join(workspace, 'README.md'), '# Workspace for LLM Lab extension-host tests\n');

	let succeeded = false;
	const started = Date.now();
	try {
		const llamaServer = await startLlamaServer();
		running.llamaServer = llamaServer;
		process.env.LLM_LAB_TEST_LLAMA_URL = llamaServer.baseUrl;
		log(`llama-server ready at ${llamaServer.baseUrl}`);
		const testVariables = Object.keys(process.env).filter((name) => name.startsWith('LLM_LAB_TEST_'));
		log(`passing ${testVariables.sort().join(', ')} to the extension host`);

		const port = await findFreePort();
		const baseUrl = `http://127.0.0.1:${port}`;
		const codeServer = startCodeServer(paths, port, runDir, workspace);
		running.codeServer = codeServer;
		await waitForCodeServer(baseUrl, codeServer, START_TIMEOUT_MS);

		// playwright-core comes from the cache, next to code-server, so it loads by path.
		const { chromium } = require(paths.playwrightCore) as typeof import('playwright-core');
		const browser = await chromium.launch({
			executablePath: paths.chromium,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu'],
		});
		running.browser = browser;
		const consoleLogFile = join(runDir, 'workbench-console.log');
		log(`workbench console messages go to ${consoleLogFile}`);
		const result = await runTestsInBrowser(browser, buildWorkbenchUrl(baseUrl, workspace), consoleLogFile);
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		if (result === 'timeout') {
			log(`tests timed out: not finished within ${TEST_TIMEOUT_MS} ms (set LLM_LAB_HOST_TEST_TIMEOUT_MS to change)`);
			return 1;
		}
		if (result === 'crash') {
			log('the Chromium page that runs the workbench crashed before the tests finished');
			return 1;
		}
		log(`tests exited with code ${result} after ${seconds} s`);
		succeeded = result === 0;
		return result === 0 ? 0 : 1;
	} finally {
		await stopAll();
		if (succeeded) {
			rmSync(runDir, { recursive: true, force: true });
		} else {
			log(`kept ${runDir} for inspection`);
		}
	}
}

/** Processes that this runner started, so that a signal can stop them too. */
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

// code-server runs in its own process group, so Ctrl+C or a timeout reaches it only through this runner.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		log(`received ${signal}, stopping code-server and llama-server`);
		void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	});
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`[run-host-tests] ${error.message}`);
		process.exit(2);
	},
);
