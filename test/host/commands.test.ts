import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLab, EXTENSION_ID } from './helpers';

suite('commands', () => {
	test('every contributed command is registered', async () => {
		await activateLab();
		const contributed = (
			vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands as Array<{ command: string }>
		).map((entry) => entry.command);
		const registered = new Set(await vscode.commands.getCommands(true));
		const missing = contributed.filter((command) => !registered.has(command));
		assert.deepEqual(missing, []);
		assert.ok(contributed.length >= 8, `only ${contributed.length} commands contributed`);
	});

	test('activation is not on every event', () => {
		const events = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.activationEvents as string[];
		assert.equal(events.includes('*'), false);
	});

	test('Show Log and Stop Generation run', async () => {
		await activateLab();
		await vscode.commands.executeCommand('llmLab.showLog');
		await vscode.commands.executeCommand('llmLab.stopGeneration');
	});
});
