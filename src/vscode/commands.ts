import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { formatTokenCount, formatWindow } from '../core/format';
import type { ModelInfo, ProviderConfig } from '../core/providers/types';
import { type ChatController, RESOLVE_BUDGET_COMMAND } from './chat/chatController';
import type { ChatViewProvider } from './chat/chatView';
import type { KeyStore } from './keys';
import type { ModelRegistry } from './models';
import type { TokenCounter } from './tokenCounter';

export interface CommandContext {
	registry: ModelRegistry;
	keys: KeyStore;
	controller: ChatController;
	view: ChatViewProvider;
	counter: TokenCounter;
	log: vscode.LogOutputChannel;
	logger: Logger;
}

/** Registers every LLM Lab command; each one is disposed with the returned disposables. */
export function registerCommands(context: CommandContext): vscode.Disposable[] {
	return [
		vscode.commands.registerCommand('llmLab.selectModel', () => selectModel(context)),
		vscode.commands.registerCommand('llmLab.refreshModels', async () => {
			await context.registry.listAll(true);
			await context.controller.showActive();
		}),
		vscode.commands.registerCommand('llmLab.newChat', async () => {
			await context.view.reveal();
			await context.controller.newChat();
		}),
		vscode.commands.registerCommand('llmLab.askAboutSelection', () => askAboutSelection(context)),
		vscode.commands.registerCommand('llmLab.stopGeneration', () => context.controller.stop()),
		vscode.commands.registerCommand('llmLab.setApiKey', (providerId?: string, key?: string) =>
			setApiKey(context, providerId, key),
		),
		vscode.commands.registerCommand('llmLab.clearApiKey', (providerId?: string) => clearApiKey(context, providerId)),
		vscode.commands.registerCommand('llmLab.countTokens', () => countTokens(context)),
		vscode.commands.registerCommand('llmLab.showLog', () => context.log.show()),
		vscode.commands.registerCommand('llmLab.openConversation', () => openConversation(context)),
		vscode.commands.registerCommand(RESOLVE_BUDGET_COMMAND, (choice: 'trim' | 'raise' | 'cancel') =>
			context.controller.resolveBudget(choice),
		),
	];
}

interface ModelItem extends vscode.QuickPickItem {
	model?: ModelInfo;
}

function modelItems(
	listings: Awaited<ReturnType<ModelRegistry['listAll']>>,
	registry: ModelRegistry,
	selected?: string,
): ModelItem[] {
	const items: ModelItem[] = [];
	for (const listing of listings) {
		items.push({ label: listing.provider.name, kind: vscode.QuickPickItemKind.Separator });
		if (listing.error && listing.models.length === 0) {
			const reason = listing.error instanceof Error ? listing.error.message : String(listing.error);
			items.push({ label: `$(error) No models from ${listing.provider.baseUrl}`, detail: reason, alwaysShow: true });
			continue;
		}
		for (const model of listing.models) {
			// The profile applies the catalog and the user's overrides, so the picker shows the window the meter uses.
			const profile = registry.profile(model.id);
			const contextWindow = profile?.contextWindow ?? model.contextWindow;
			const window = contextWindow ? `${formatWindow(contextWindow)} window` : 'window unknown';
			const marks = [
				model.id === selected ? '$(check) selected' : '',
				model.chat ? '' : 'embedding only, not chat-capable',
				model.error ? `$(warning) ${model.error}` : '',
			].filter(Boolean);
			items.push({ label: model.name, description: window, detail: marks.join(' · ') || undefined, model });
		}
	}
	return items;
}

async function selectModel(context: CommandContext): Promise<void> {
	const picker = vscode.window.createQuickPick<ModelItem>();
	const refresh: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('refresh'), tooltip: 'Refresh Models' };
	picker.title = 'LLM Lab: Select Model';
	picker.placeholder = 'Choose the model for the chat and the token counter';
	picker.matchOnDescription = true;
	picker.buttons = [refresh];
	const load = async (force: boolean) => {
		picker.busy = true;
		try {
			picker.items = modelItems(await context.registry.listAll(force), context.registry, context.registry.selectedModelId());
		} finally {
			picker.busy = false;
		}
	};
	const chosen = new Promise<ModelInfo | undefined>((resolve) => {
		picker.onDidTriggerButton(() => void load(true));
		picker.onDidAccept(() => {
			const model = picker.selectedItems[0]?.model;
			if (model) {
				resolve(model);
				picker.hide();
			}
		});
		picker.onDidHide(() => resolve(undefined));
	});
	picker.show();
	await load(false);
	const model = await chosen;
	picker.dispose();
	if (!model) {
		return;
	}
	if (!model.chat) {
		void vscode.window.showWarningMessage(`LLM Lab: ${model.name} is an embedding model and cannot chat. Choose another model.`);
		return;
	}
	await context.registry.selectModel(model.id);
	await context.controller.showActive();
}

async function askAboutSelection(context: CommandContext): Promise<void> {
	const editor = vscode.window.activeTextEditor;
	if (!editor || editor.selection.isEmpty) {
		void vscode.window.showInformationMessage('LLM Lab: select some text in an editor first, then run Ask About Selection.');
		return;
	}
	const text = editor.document.getText(editor.selection);
	const name = vscode.workspace.asRelativePath(editor.document.uri);
	const fence = text.includes('```') ? '````' : '```';
	const prompt = `From \`${name}\`:\n\n${fence}${editor.document.languageId}\n${text}\n${fence}\n\n`;
	await context.view.reveal();
	await context.controller.setInput(prompt);
}

async function pickProvider(
	context: CommandContext,
	title: string,
	filter: (provider: ProviderConfig) => boolean | Promise<boolean>,
): Promise<ProviderConfig | undefined> {
	const providers: ProviderConfig[] = [];
	for (const provider of context.registry.settings().providers) {
		if (await filter(provider)) {
			providers.push(provider);
		}
	}
	if (providers.length <= 1) {
		return providers[0];
	}
	const choice = await vscode.window.showQuickPick(
		providers.map((provider) => ({ label: provider.name, description: provider.baseUrl, provider })),
		{ title },
	);
	return choice?.provider;
}

/** Stores a provider's key. Scripts and tests may pass the provider id and key; otherwise the user is asked. */
async function setApiKey(context: CommandContext, providerId?: string, presetKey?: string): Promise<void> {
	const provider = providerId
		? context.registry.providerConfig(providerId)
		: await pickProvider(context, 'LLM Lab: Set API Key for', (entry) => entry.kind === 'openai');
	if (!provider) {
		void vscode.window.showInformationMessage(
			'LLM Lab: no OpenAI-compatible provider is configured. Add one in the llmLab.providers setting first.',
		);
		return;
	}
	const key = presetKey ?? await vscode.window.showInputBox({
		title: `LLM Lab: API Key for ${provider.name}`,
		prompt: `Stored in VS Code's secret storage and sent only to ${new URL(provider.baseUrl).host}.`,
		password: true,
		ignoreFocusOut: true,
		validateInput: (value) => (value.trim() ? undefined : 'Enter a key, or press Escape to cancel.'),
	});
	if (!key) {
		return;
	}
	await context.keys.set(provider, key.trim());
	void vscode.window.showInformationMessage(`LLM Lab: API key for ${provider.name} saved.`);
	await context.registry.listAll(true);
	await context.controller.showActive();
}

async function clearApiKey(context: CommandContext, providerId?: string): Promise<void> {
	const provider = providerId
		? context.registry.providerConfig(providerId)
		: await pickProvider(context, 'LLM Lab: Clear API Key of', async (entry) => (await context.keys.get(entry.id)) !== undefined);
	if (!provider) {
		void vscode.window.showInformationMessage('LLM Lab: no API key is stored.');
		return;
	}
	await context.keys.clear(provider.id);
	void vscode.window.showInformationMessage(`LLM Lab: API key for ${provider.name} removed.`);
}

async function countTokens(context: CommandContext): Promise<void> {
	const editor = vscode.window.activeTextEditor;
	if (!editor) {
		void vscode.window.showInformationMessage('LLM Lab: open a file to count its tokens.');
		return;
	}
	const selection = !editor.selection.isEmpty;
	const text = editor.document.getText(selection ? editor.selection : undefined);
	const profile = context.registry.selectedProfileCached();
	const [o200k, cl100k] = await Promise.all([context.counter.count(text, 'o200k_base'), context.counter.count(text, 'cl100k_base')]);
	const scope = selection ? 'Selection' : vscode.workspace.asRelativePath(editor.document.uri);
	const lines = [`o200k_base: ${formatTokenCount(o200k)} tokens`, `cl100k_base: ${formatTokenCount(cl100k)} tokens`];
	let summary = `${scope}: ${formatTokenCount(o200k)} tokens (o200k_base)`;
	if (profile) {
		let count = o200k;
		if (profile.tokenizer === 'cl100k_base') {
			count = cl100k;
		} else if (profile.tokenizer !== 'o200k_base') {
			count = await context.counter.count(text, profile.tokenizer);
		}
		if (profile.tokenizer !== 'o200k_base' && profile.tokenizer !== 'cl100k_base') {
			lines.unshift(`${profile.tokenizerLabel}: ${formatTokenCount(count)} tokens`);
		}
		const share = profile.contextWindow ? `, ${((count / profile.contextWindow) * 100).toFixed(1)}% of its ${formatWindow(profile.contextWindow)} window` : '';
		const estimate = profile.exactTokenizer ? '' : ' (estimated: not its own tokenizer)';
		summary = `${scope}: ${formatTokenCount(count)} tokens for ${profile.name}${estimate}${share}`;
	}
	context.logger.info(`Count Tokens on ${scope}: ${lines.join(', ')}.`);
	// A notification shows no `detail` unless it is modal, so the breakdown goes into the message itself.
	const compare = 'Compare Tokenizers';
	void vscode.window.showInformationMessage(`LLM Lab: ${summary}. By tokenizer: ${lines.join('; ')}.`, compare).then((choice) => {
		if (choice === compare) {
			void vscode.commands.executeCommand('llmLab.compareTokenizers');
		}
	});
}

async function openConversation(context: CommandContext): Promise<void> {
	const conversations = await context.controller.list();
	if (conversations.length === 0) {
		void vscode.window.showInformationMessage('LLM Lab: no conversations yet. Send a message in the Chat view to start one.');
		return;
	}
	const choice = await vscode.window.showQuickPick(
		conversations.map((conversation) => ({
			label: conversation.title,
			description: new Date(conversation.updatedAt).toLocaleString(),
			detail: `${conversation.messages.length} messages${conversation.model ? ` · ${conversation.model}` : ''}`,
			id: conversation.id,
		})),
		{ title: 'LLM Lab: Open Conversation', matchOnDetail: true, placeHolder: 'Choose a conversation to continue' },
	);
	if (choice) {
		await context.view.reveal();
		await context.controller.open(choice.id);
	}
}
