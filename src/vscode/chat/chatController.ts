import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { computeBudget, countMessagesToTrim, type Budget } from '../../core/budget/budget';
import { chatFramingTokens } from '../../core/budget/framing';
import type { Conversation, StoredMessage } from '../../core/chat/conversation';
import { streamReply } from '../../core/chat/reply';
import type { ConversationStore } from '../../core/chat/store';
import { CancelledError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ModelProfile } from '../../core/models/profile';
import type { ChatMessage } from '../../core/providers/types';
import type { ContextMeter, HostToWebview, WebviewToHost } from '../../webview/chat/protocol';
import { firstRunNotice, noticeForError, RETRY_COMMAND } from '../errorMessages';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';

/** Commands the page may run through `command/run`; anything else is rejected and logged. */
const ALLOWED_COMMANDS = new Set([
	'llmLab.selectModel',
	'llmLab.newChat',
	'llmLab.setApiKey',
	'llmLab.showLog',
	'llmLab.refreshModels',
	'workbench.action.openSettings',
	'vscode.open',
	RETRY_COMMAND,
]);

/** Sends a message to the page when the view is open; dropped otherwise, because the page rebuilds from the host. */
export type PostToWebview = (message: HostToWebview) => void;

/**
 * Runs the chat: keeps the conversations, sends requests with an abort controller per conversation, streams replies
 * into the store and the page, and keeps the context meter current.
 */
export class ChatController implements vscode.Disposable {
	private conversations: Conversation[] = [];
	private activeId: string | undefined;
	private readonly running = new Map<string, AbortController>();
	private post: PostToWebview = () => {};
	private loaded: Promise<void>;
	private meterTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(
		private readonly store: ConversationStore,
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
		private readonly workspaceState: vscode.Memento,
	) {
		this.loaded = this.load();
		this.disposables.push(registry.onDidChange(() => this.scheduleMeterUpdate()));
	}

	dispose(): void {
		for (const controller of this.running.values()) {
			controller.abort();
		}
		clearTimeout(this.meterTimer);
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	/** Writes pending conversation changes; called on deactivation. */
	flush(): Promise<void> {
		return this.store.flush();
	}

	private async load(): Promise<void> {
		this.conversations = await this.store.loadAll();
		const remembered = this.workspaceState.get<string>('llmLab.activeConversation');
		this.activeId = this.conversations.find((entry) => entry.id === remembered)?.id ?? this.conversations[0]?.id;
	}

	/** Connects the open page; `post` stays valid until the view is disposed. */
	attach(post: PostToWebview): vscode.Disposable {
		this.post = post;
		return new vscode.Disposable(() => {
			if (this.post === post) {
				this.post = () => {};
			}
		});
	}

	isBusy(): boolean {
		return this.running.size > 0;
	}

	async active(): Promise<Conversation> {
		await this.loaded;
		let conversation = this.conversations.find((entry) => entry.id === this.activeId);
		if (!conversation) {
			conversation = this.createConversation();
		}
		return conversation;
	}

	private createConversation(): Conversation {
		const now = Date.now();
		const settings = this.registry.settings();
		const conversation: Conversation = {
			id: randomUUID(),
			title: 'New chat',
			model: this.registry.selectedModelId(),
			systemPrompt: settings.systemPrompt || undefined,
			messages: [],
			draft: '',
			createdAt: now,
			updatedAt: now,
		};
		this.conversations.unshift(conversation);
		this.setActive(conversation.id);
		return conversation;
	}

	private setActive(id: string): void {
		this.activeId = id;
		void this.workspaceState.update('llmLab.activeConversation', id);
	}

	/** Starts a new conversation, keeping the old one on disk, and shows it. */
	async newChat(): Promise<void> {
		await this.loaded;
		const current = await this.active();
		if (current.messages.length === 0) {
			this.post({ type: 'input/set', text: current.draft, focus: true });
			return;
		}
		const conversation = this.createConversation();
		await this.store.save(conversation);
		await this.showConversation(conversation);
	}

	/** Shows the active conversation in the page, with the meter and, when no model is available, first-run help. */
	async showActive(): Promise<void> {
		await this.showConversation(await this.active());
	}

	private async showConversation(conversation: Conversation): Promise<void> {
		this.post({ type: 'conversation/show', conversation, busy: this.running.has(conversation.id) });
		this.post({ type: 'notice/clear' });
		const profile = await this.profileOrNotice();
		if (profile) {
			await this.updateMeter(conversation, profile);
		}
	}

	private async profileOrNotice(): Promise<ModelProfile | undefined> {
		try {
			const profile = await this.registry.selectedProfile();
			if (!profile) {
				this.post({ type: 'notice/show', notice: firstRunNotice() });
			}
			return profile;
		} catch (error) {
			this.logger.error(`Selecting a model failed: ${String(error)}`);
			this.post({ type: 'notice/show', notice: firstRunNotice() });
			return undefined;
		}
	}

	/** Puts text into the input box, for Ask About Selection. */
	async setInput(text: string): Promise<void> {
		const conversation = await this.active();
		conversation.draft = text;
		this.store.scheduleSave(conversation);
		this.post({ type: 'input/set', text, focus: true });
		this.scheduleMeterUpdate();
	}

	/** Handles a message from the page. */
	async handle(message: WebviewToHost): Promise<void> {
		switch (message.type) {
			case 'webview/ready':
				await this.showActive();
				break;
			case 'chat/send':
				await this.send(message.conversationId, message.text);
				break;
			case 'chat/stop':
				this.stop(message.conversationId);
				break;
			case 'chat/retry':
				await this.retry(message.conversationId);
				break;
			case 'chat/new':
				await this.newChat();
				break;
			case 'draft/changed':
				await this.saveDraft(message.conversationId, message.text);
				break;
			case 'command/run':
				await this.runCommand(message.command, message.args ?? []);
				break;
			case 'clipboard/write':
				await vscode.env.clipboard.writeText(message.text);
				break;
		}
	}

	private async runCommand(command: string, args: unknown[]): Promise<void> {
		if (!ALLOWED_COMMANDS.has(command)) {
			this.logger.warn(`Rejected the command ${command} requested by the chat page: it is not on the allowed list.`);
			return;
		}
		if (command === RETRY_COMMAND) {
			await this.retry((await this.active()).id);
			return;
		}
		if (command === 'vscode.open') {
			const target = typeof args[0] === 'string' ? vscode.Uri.parse(args[0]) : undefined;
			if (target && (target.scheme === 'https' || target.scheme === 'http')) {
				await vscode.env.openExternal(target);
			}
			return;
		}
		await vscode.commands.executeCommand(command, ...args);
	}

	private async saveDraft(conversationId: string, text: string): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId);
		if (!conversation || conversation.draft === text) {
			return;
		}
		conversation.draft = text;
		this.store.scheduleSave(conversation);
		this.scheduleMeterUpdate();
	}

	/** Stops the reply of one conversation, or of all when no id is given. */
	stop(conversationId?: string): void {
		for (const [id, controller] of this.running) {
			if (!conversationId || id === conversationId) {
				this.logger.info(`Stopping the reply in conversation ${id}.`);
				controller.abort(new CancelledError());
			}
		}
	}

	private async send(conversationId: string, text: string): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId) ?? (await this.active());
		if (!text.trim() || this.running.has(conversation.id)) {
			return;
		}
		const userMessage: StoredMessage = {
			id: randomUUID(),
			role: 'user',
			content: text,
			status: 'done',
			createdAt: Date.now(),
		};
		const history = this.historyOf(conversation);
		conversation.messages.push(userMessage);
		conversation.draft = '';
		if (conversation.title === 'New chat') {
			conversation.title = text.trim().split('\n')[0].slice(0, 60);
		}
		await this.store.save(conversation);
		this.post({ type: 'message/append', conversationId: conversation.id, message: userMessage });
		await this.reply(conversation, history, userMessage);
	}

	private async retry(conversationId: string): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId);
		const lastUser = conversation && [...conversation.messages].reverse().find((entry) => entry.role === 'user');
		if (!conversation || !lastUser || this.running.has(conversation.id)) {
			return;
		}
		const index = conversation.messages.indexOf(lastUser);
		await this.reply(conversation, this.historyOf(conversation, index), lastUser);
	}

	/** Messages sent as history: finished or stopped replies with text, and the user messages before them. */
	private historyOf(conversation: Conversation, end = conversation.messages.length): ChatMessage[] {
		return conversation.messages
			.slice(0, end)
			.filter((entry) => entry.role !== 'assistant' || (entry.status !== 'error' && entry.content.length > 0))
			.map((entry) => ({ role: entry.role, content: entry.content }));
	}

	private async reply(conversation: Conversation, history: ChatMessage[], userMessage: StoredMessage): Promise<void> {
		this.post({ type: 'notice/clear' });
		const profile = await this.profileOrNotice();
		if (!profile) {
			return;
		}
		const settings = this.registry.settings();
		const system: ChatMessage[] = conversation.systemPrompt ? [{ role: 'system', content: conversation.systemPrompt }] : [];
		let messages = [...system, ...history, { role: 'user' as const, content: userMessage.content }];
		const reserved = Math.min(settings.maxTokens, profile.maxOutputTokens ?? settings.maxTokens);
		const checked = await this.checkBudget(conversation, profile, system, history, userMessage.content, reserved);
		if (!checked) {
			return;
		}
		messages = [...system, ...checked.history, { role: 'user', content: userMessage.content }];

		const provider = this.registry.providerConfig(profile.providerId);
		const controller = new AbortController();
		const message: StoredMessage = {
			id: randomUUID(),
			role: 'assistant',
			content: '',
			model: profile.id,
			status: 'streaming',
			createdAt: Date.now(),
		};
		conversation.messages.push(message);
		conversation.model = profile.id;
		this.running.set(conversation.id, controller);
		await this.setGenerating(true);
		await this.store.save(conversation);
		this.post({ type: 'message/append', conversationId: conversation.id, message });
		this.post({ type: 'busy/changed', conversationId: conversation.id, busy: true });
		this.logger.info(`Sending ${messages.length} messages to ${profile.id} (about ${checked.budget.promptTokens} tokens).`);

		try {
			const client = provider && (await this.registry.providerFor(provider));
			if (!client) {
				throw new Error(`The provider "${profile.providerId}" of model ${profile.id} is not configured. Select another model.`);
			}
			const result = await streamReply({
				provider: client,
				model: profile.name,
				modelId: profile.id,
				messages,
				message,
				maxTokens: reserved,
				temperature: settings.temperature,
				stallTimeoutMs: settings.stallTimeoutMs,
				signal: controller.signal,
				promptTokenEstimate: checked.budget.promptTokens,
				countTokens: (text) => this.counter.count(text, profile.encoding),
				price: settings.showCost ? profile.price : undefined,
				contextWindow: profile.contextWindow,
				onDelta: (text) => {
					conversation.updatedAt = Date.now();
					this.store.scheduleSave(conversation);
					this.post({ type: 'message/delta', conversationId: conversation.id, messageId: message.id, text });
				},
			});
			this.logResult(profile, checked.budget.promptTokens, result.reportedUsage?.promptTokens);
			if (result.error && !(result.error instanceof CancelledError) && !controller.signal.aborted) {
				this.logger.error(`The reply from ${profile.id} failed: ${String(result.error)}`);
				this.post({ type: 'notice/show', notice: noticeForError(result.error, provider) });
			}
		} catch (error) {
			message.status = 'error';
			message.finishReason = 'error';
			message.notice = error instanceof Error ? error.message : String(error);
			this.logger.error(`The request to ${profile.id} failed before streaming: ${String(error)}`);
			this.post({ type: 'notice/show', notice: noticeForError(error, provider) });
		} finally {
			this.running.delete(conversation.id);
			conversation.updatedAt = Date.now();
			await this.store.save(conversation);
			await this.setGenerating(this.running.size > 0);
			this.post({ type: 'message/update', conversationId: conversation.id, message });
			this.post({ type: 'busy/changed', conversationId: conversation.id, busy: false });
			this.scheduleMeterUpdate();
		}
	}

	private logResult(profile: ModelProfile, sent: number, reported: number | undefined): void {
		if (reported === undefined) {
			this.logger.info(`${profile.id} reported no usage; token figures are our estimate.`);
		} else if (reported !== sent) {
			this.logger.info(
				`Prompt token count for ${profile.id}: ours ${sent}, the server's ${reported} (tokenizer ${profile.encoding}, ` +
					`${profile.exactTokenizer ? 'exact' : 'estimated'}).`,
			);
		}
	}

	private async setGenerating(generating: boolean): Promise<void> {
		await vscode.commands.executeCommand('setContext', 'llmLab.generating', generating);
	}

	/**
	 * Checks that the request fits the model's window. When it does not, asks whether to trim the oldest messages;
	 * returns undefined when the user cancels, so nothing is sent that the server would cut.
	 */
	private async checkBudget(
		conversation: Conversation,
		profile: ModelProfile,
		system: ChatMessage[],
		history: ChatMessage[],
		input: string,
		reserved: number,
	): Promise<{ budget: Budget; history: ChatMessage[] } | undefined> {
		const historyTokens = await Promise.all(history.map((entry) => this.counter.count(entry.content, profile.encoding)));
		const systemTokens = system.length > 0 ? await this.counter.count(system[0].content, profile.encoding) : 0;
		const inputTokens = await this.counter.count(input, profile.encoding);
		const budgetOf = (kept: number[]) =>
			computeBudget(
				{
					systemTokens,
					historyTokens: kept.reduce((sum, value) => sum + value, 0),
					inputTokens,
					framingTokens: chatFramingTokens(system.length + kept.length + 1),
					reservedTokens: reserved,
				},
				profile.contextWindow,
			);
		const budget = budgetOf(historyTokens);
		if (budget.level !== 'over') {
			return { budget, history };
		}
		const window = profile.contextWindow ?? 0;
		const trimCount = countMessagesToTrim(budget, historyTokens);
		const trim = trimCount !== undefined ? `Drop the ${trimCount} Oldest Messages` : undefined;
		const choice = await vscode.window.showWarningMessage(
			`This request needs ${budget.totalTokens.toLocaleString('en-US')} tokens (including ${reserved.toLocaleString('en-US')} ` +
				`reserved for the reply), but ${profile.id} has a ${window.toLocaleString('en-US')}-token context window ` +
				`(${profile.windowSource}). Sent as is, it would be rejected or silently truncated.`,
			{ modal: true },
			...(trim ? [trim] : []),
		);
		if (!trim || choice !== trim || trimCount === undefined) {
			this.logger.info(`Did not send to ${profile.id}: the prompt does not fit its ${window}-token window.`);
			this.post({
				type: 'notice/show',
				notice: {
					severity: 'warning',
					message: `Not sent: the prompt does not fit ${profile.id}'s ${window.toLocaleString('en-US')}-token window. Your message is kept in the conversation.`,
					actions: [{ label: 'New Chat', command: 'llmLab.newChat' }, { label: 'Select Model', command: 'llmLab.selectModel' }],
				},
			});
			return undefined;
		}
		this.logger.info(`Trimmed the ${trimCount} oldest messages of conversation ${conversation.id} to fit ${profile.id}.`);
		return { budget: budgetOf(historyTokens.slice(trimCount)), history: history.slice(trimCount) };
	}

	/** Recomputes the meter shortly after a change, so typing sends one update per pause. */
	scheduleMeterUpdate(): void {
		clearTimeout(this.meterTimer);
		this.meterTimer = setTimeout(() => {
			void this.active().then(async (conversation) => {
				const profile = this.registry.selectedProfileCached();
				if (profile) {
					await this.updateMeter(conversation, profile);
				}
			});
		}, 150);
	}

	private async updateMeter(conversation: Conversation, profile: ModelProfile): Promise<void> {
		const settings = this.registry.settings();
		const history = this.historyOf(conversation);
		const [systemTokens, inputTokens, ...historyCounts] = await Promise.all([
			conversation.systemPrompt ? this.counter.count(conversation.systemPrompt, profile.encoding) : Promise.resolve(0),
			this.counter.count(conversation.draft, profile.encoding),
			...history.map((entry) => this.counter.count(entry.content, profile.encoding)),
		]);
		const historyTokens = historyCounts.reduce((sum, value) => sum + value, 0);
		const messageCount = history.length + (conversation.systemPrompt ? 1 : 0) + 1;
		const reserved = Math.min(settings.maxTokens, profile.maxOutputTokens ?? settings.maxTokens);
		const budget = computeBudget(
			{
				systemTokens,
				historyTokens,
				inputTokens,
				framingTokens: chatFramingTokens(messageCount),
				reservedTokens: reserved,
			},
			profile.contextWindow,
		);
		const meter: ContextMeter = {
			modelLabel: profile.id,
			tokenizer: profile.encoding,
			exact: profile.exactTokenizer,
			contextWindow: profile.contextWindow,
			windowSource: profile.windowSource,
			systemTokens,
			historyTokens: historyTokens + budget.framingTokens,
			inputTokens,
			reservedTokens: reserved,
			level: budget.level,
		};
		this.post({ type: 'meter/update', meter });
	}
}
