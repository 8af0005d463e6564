import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LlmLabApi } from '../../src/vscode/extension';

export const EXTENSION_ID = 'llm-lab.llm-lab';

/** Activates the extension and returns its API. */
export async function activateLab(): Promise<LlmLabApi> {
	const extension = vscode.extensions.getExtension<LlmLabApi>(EXTENSION_ID);
	assert.ok(extension, `extension ${EXTENSION_ID} is not installed in the extension host`);
	return extension.activate();
}

/** Polls `read` until `accept` holds for its value, and returns that value; fails with the last value on timeout. */
export async function waitFor<T>(
	what: string,
	read: () => T | Promise<T>,
	accept: (value: T) => boolean,
	timeoutMs = 15_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let value = await read();
	while (!accept(value)) {
		if (Date.now() > deadline) {
			assert.fail(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = await read();
	}
	return value;
}

/** Points LLM Lab at one provider entry and model, in the user's global settings. */
export async function useProvider(entry: { id: string; name: string; kind: 'openai' | 'ollama'; baseUrl: string }, model: string) {
	const config = vscode.workspace.getConfiguration('llmLab');
	await config.update('providers', [entry], vscode.ConfigurationTarget.Global);
	await config.update('defaultModel', `${entry.id}:${model}`, vscode.ConfigurationTarget.Global);
	await vscode.commands.executeCommand('llmLab.refreshModels');
}
