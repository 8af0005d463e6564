// Entry point that VS Code loads as extensionTestsPath: runs every compiled *.test.js next to this file with mocha.
// esbuild bundles each test/host/*.ts into out/test/host/, and mocha stays external, so it loads from node_modules.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Prefix of the line that reports the totals, read by test/run-all.sh. */
export const SUMMARY_PREFIX = 'mocha summary:';

/**
 * Prefix of every console message that mocha's reporter writes. The workbench relays all its console messages to
 * test/setup/run-host-tests.ts, which shows the prefixed ones and writes the rest to a log file. So console output
 * of the tests themselves ends up in that log file.
 */
export const OUTPUT_PREFIX = '[host-test] ';

function printTestOutput(...args: unknown[]): void {
	console.log(OUTPUT_PREFIX + format(...args));
}

export function run(): Promise<void> {
	Mocha.reporters.Base.consoleLog = printTestOutput;
	const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000 });
	const testFiles = readdirSync(__dirname)
		.filter((name) => name.endsWith('.test.js'))
		.sort();
	for (const name of testFiles) {
		mocha.addFile(join(__dirname, name));
	}

	return new Promise((resolve, reject) => {
		const runner = mocha.run((failures) => {
			const stats = runner.stats;
			const passed = stats?.passes ?? 0;
			const pending = stats?.pending ?? 0;
			printTestOutput(`${SUMMARY_PREFIX} ${passed} passed, ${failures} failed, ${pending} skipped`);
			if (failures > 0) {
				reject(new Error(`${failures} host tests failed`));
			} else {
				resolve();
			}
		});
	});
}
