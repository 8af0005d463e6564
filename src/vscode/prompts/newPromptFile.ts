import * as vscode from 'vscode';
import { starterPromptFile } from '../../core/prompts/starter';
import type { ModelRegistry } from '../models';

export const NEW_PROMPT_FILE_COMMAND = 'llmLab.newPromptFile';

const DEFAULT_NAME = 'prompts/new.prompt.md';

/**
 * Creates a starter prompt file for the selected model and opens it. Scripts and tests may pass the file's URI;
 * otherwise the user names it, relative to the active file's workspace folder.
 */
export async function newPromptFile(registry: ModelRegistry, target?: vscode.Uri): Promise<void> {
	const uri = target ?? (await askForUri());
	if (!uri) {
		return;
	}
	if (await exists(uri)) {
		void vscode.window.showErrorMessage(
			`LLM Lab: ${vscode.workspace.asRelativePath(uri)} already exists. Choose another name.`,
		);
		return;
	}
	await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(starterPromptFile(registry.selectedModelId())));
	await vscode.window.showTextDocument(uri);
}

async function askForUri(): Promise<vscode.Uri | undefined> {
	const active = vscode.window.activeTextEditor?.document.uri;
	const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
	if (!folder) {
		const chosen = await vscode.window.showSaveDialog({
			title: 'LLM Lab: New Prompt File',
			filters: { 'Prompt files': ['md'] },
		});
		return chosen && vscode.Uri.joinPath(chosen, '..', promptFileName(chosen.path.split('/').pop() ?? ''));
	}
	const name = await vscode.window.showInputBox({
		title: 'LLM Lab: New Prompt File',
		prompt: `Path of the new prompt file, relative to ${folder.name}. It ends in .prompt.md.`,
		value: DEFAULT_NAME,
		valueSelection: [DEFAULT_NAME.indexOf('/') + 1, DEFAULT_NAME.indexOf('.')],
		validateInput: async (value) => {
			if (!value.trim()) {
				return 'Enter a file name, or press Escape to cancel.';
			}
			return (await exists(withExtension(folder, value))) ? 'A file with this name already exists.' : undefined;
		},
	});
	return name ? withExtension(folder, name) : undefined;
}

function withExtension(folder: vscode.WorkspaceFolder, name: string): vscode.Uri {
	return vscode.Uri.joinPath(folder.uri, promptFileName(name));
}

/** Ends a file name in `.prompt.md`, replacing a plain `.md`. */
function promptFileName(name: string): string {
	const trimmed = name.trim();
	return trimmed.toLowerCase().endsWith('.prompt.md') ? trimmed : `${trimmed.replace(/\.md$/i, '')}.prompt.md`;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch {
		return false;
	}
}
