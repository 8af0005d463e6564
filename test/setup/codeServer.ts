// Starting and stopping code-server for the extension-host tests and the README screenshot.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDirectory } from '../fixtures/llama-server';

/** Paths that install-code-server.sh writes to `code-server.json` in the cache. */
export interface CodeServerPaths {
	node: string;
	codeServer: string;
	playwrightCore: string;
	chromium: string;
}

const SETUP_COMMAND = 'bash test/setup/install-code-server.sh';

/** Reads the installed paths, and fails with the setup command when any is missing. */
export function readCodeServerPaths(): CodeServerPaths {
	const manifestPath = join(cacheDirectory(), 'code-server.json');
	if (!existsSync(manifestPath)) {
		throw new Error(`code-server is not set up: ${manifestPath} is missing. Run \`${SETUP_COMMAND}\`.`);
	}
	const paths = JSON.parse(readFileSync(manifestPath, 'utf8')) as CodeServerPaths;
	for (const path of [paths.node, paths.codeServer, paths.playwrightCore, paths.chromium]) {
		if (!existsSync(path)) {
			throw new Error(`code-server is not set up: ${path} not found. Run \`${SETUP_COMMAND}\`.`);
		}
	}
	return paths;
}

export interface CodeServerOptions {
	paths: CodeServerPaths;
	port: number;
	/** Folder for the config file, the log and the XDG folders of this run. */
	runDir: string;
	workspace: string;
	extensionsDir: string;
	userDataDir: string;
	/** Whether to pass the smoke-test driver, without which the workbench never runs extensionTestsPath. */
	smokeTestDriver: boolean;
	log: (message: string) => void;
}

/** Starts code-server on 127.0.0.1 in its own process group, because its child processes outlive its own pid. */
export function spawnCodeServer(options: CodeServerOptions): ChildProcess {
	const { paths, port, runDir } = options;
	const configDir = join(runDir, 'config');
	mkdirSync(configDir, { recursive: true });
	// An explicit config file keeps code-server from writing one with a password under ~/.config.
	const configFile = join(configDir, 'config.yaml');
	writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

	const args = [
		'--config', configFile,
		'--bind-addr', `127.0.0.1:${port}`,
		'--auth', 'none',
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-workspace-trust',
		'--extensions-dir', options.extensionsDir,
		'--user-data-dir', options.userDataDir,
		...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
		options.workspace,
	];
	const logFile = join(runDir, 'code-server.log');
	const output = createWriteStream(logFile);
	const child = spawn(paths.codeServer, args, {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			PATH: `${dirname(paths.node)}:${process.env.PATH ?? ''}`,
			XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
			XDG_DATA_HOME: join(runDir, 'xdg-data'),
			// A gallery without a service URL turns off the extension gallery, which is open-vsx.org by default.
			EXTENSIONS_GALLERY: '{}',
		},
	});
	child.stdout?.pipe(output);
	child.stderr?.pipe(output);
	options.log(`started code-server (pid ${child.pid}) on 127.0.0.1:${port}, log in ${logFile}`);
	return child;
}

/** Waits until `/healthz` responds, failing when code-server exits first or `timeoutMs` passes. */
export async function waitForCodeServer(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`code-server exited with ${child.signalCode ?? `code ${child.exitCode}`} before it was ready`);
		}
		try {
			const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
			if (response.ok) {
				return;
			}
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`code-server timed out: no response from ${baseUrl}/healthz within ${timeoutMs} ms`);
}

/** Sends SIGTERM to the whole process group, then SIGKILL to whatever is left after 5 seconds. */
export async function stopProcessGroup(child: ChildProcess, log: (message: string) => void): Promise<void> {
	if (child.pid === undefined) {
		return;
	}
	const groupId = -child.pid;
	const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
		try {
			process.kill(groupId, signal);
			return true;
		} catch {
			return false;
		}
	};
	if (!signalGroup('SIGTERM')) {
		return;
	}
	for (let attempt = 0; attempt < 50; attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		if (!signalGroup(0)) {
			return;
		}
	}
	log('code-server did not stop within 5 s of SIGTERM, sending SIGKILL');
	signalGroup('SIGKILL');
}
