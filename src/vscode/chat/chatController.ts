import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Conversation, StoredMessage } from '../../core/chat/conversation';
import { FramingCalibration } from '../../core/budget/calibration';
import { isTruncated, streamReply } from '../../core/chat/reply';
import { planRequest, type RequestPlan, type RequestPlanInput, trimPlan } from '../../core/chat/requestPlan';
import type { ConversationStore } from '../../core/chat/store';
import { CancelledError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ModelProfile } from '../../core/models/profile';
import type { ChatMessage } from '../../core/providers/types';
import { formatTokenCount } from '../../core/format';
import type { ChatNotice, ContextMeter, HostToWebview, NoticeAction, WebviewToHost } from '../../webview/chat/protocol';
import { firstRunNotice, noticeForError, RETRY_COMMAND } from '../errorMessages';
import { DeltaBatcher } from './deltaBatcher';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';

/** Global state key of the learned chat framing per model. */
const CALIBRATION_KEY = 'llmLab.framingCalibration';

/** Command the notice's buttons run to resolve a request that did not fit; takes `trim`, `raise` or `cancel`. */
export const RESOLVE_BUDGET_COMMAND = 'llmLab.resolveContextOverflow';

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
	RESOLVE_BUDGET_COMMAND,
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
	/** Conversations with a send or retry in progress, from the first check to the end of the reply. */
	private readonly busy = new Set<string>();
	private sendToPage: PostToWebview = () => {};
	private notice: ChatNotice | undefined;
	private loaded: Promise<void>;
	private meterTimer: ReturnType<typeof setTimeout> | undefined;
	private pending: PendingRequest | undefined;
	/** Chat framing per model, learned from the servers' prompt counts. */
	private readonly calibration: FramingCalibration;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(
		private readonly store: ConversationStore,
		private readonly registry: ModelRegistry,
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
		private readonly workspaceState: vscode.Memento,
		private readonly globalState?: vscode.Memento,
	) {
		this.calibration = FramingCalibration.fromJSON(globalState?.get(CALIBRATION_KEY));
		this.loaded = this.load();
		this.disposables.push(
			registry.onDidChange(() => {
				this.scheduleMeterUpdate();
				// Settings that add a provider should clear the first-run help without a manual refresh.
				if (this.notice?.message === firstRunNotice().message) {
					void this.showActive();
				}
			}),
		);
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
		this.sendToPage = post;
		return new vscode.Disposable(() => {
			if (this.sendToPage === post) {
				this.sendToPage = () => {};
			}
		});
	}

	/** Returns the notice the page shows now, if any. */
	currentNotice(): ChatNotice | undefined {
		return this.notice;
	}

	private post(message: HostToWebview): void {
		if (message.type === 'notice/show') {
			this.notice = message.notice;
		} else if (message.type === 'notice/clear') {
			this.notice = undefined;
		}
		this.sendToPage(message);
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
		const profile = await this.profileOrNotice(conversation.numCtx);
		if (profile) {
			await this.updateMeter(conversation, profile);
		}
	}

	private async profileOrNotice(numCtx?: number): Promise<ModelProfile | undefined> {
		try {
			const profile = await this.registry.selectedProfile(numCtx);
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
		// Keep what the user had typed: the new text goes after it.
		conversation.draft = conversation.draft.trim() ? `${conversation.draft.trimEnd()}\n\n${text}` : text;
		this.store.scheduleSave(conversation);
		this.post({ type: 'input/set', text: conversation.draft, focus: true });
		this.scheduleMeterUpdate();
	}

	/** Lists stored conversations, newest first, for Open Conversation. */
	async list(): Promise<Conversation[]> {
		await this.loaded;
		return [...this.conversations].sort((a, b) => b.updatedAt - a.updatedAt);
	}

	/** Makes a stored conversation the active one and shows it. */
	async open(conversationId: string): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId);
		if (conversation) {
			this.setActive(conversation.id);
			await this.showConversation(conversation);
		}
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
		if (command === RESOLVE_BUDGET_COMMAND) {
			const choice = args[0];
			if (choice === 'trim' || choice === 'raise' || choice === 'cancel') {
				await this.resolveBudget(choice);
			}
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

	/**
	 * Sends a new message. When the request would not fit the model's window, nothing is sent: the text goes back to
	 * the input box and the page shows the ways to make it fit (see `resolveBudget`).
	 */
	private async send(conversationId: string, text: string, resolution: BudgetResolution = {}): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId) ?? (await this.active());
		if (!text.trim()) {
			return;
		}
		if (this.busy.has(conversation.id)) {
			this.returnToInput(conversation, text);
			return;
		}
		// Claimed before the first await, so a second Send while this one counts tokens cannot start a second reply.
		this.busy.add(conversation.id);
		try {
			await this.sendClaimed(conversation, text, resolution);
		} finally {
			this.busy.delete(conversation.id);
		}
	}

	/** Puts text that could not be sent back into the input box, after anything typed since. */
	private returnToInput(conversation: Conversation, text: string): void {
		conversation.draft = conversation.draft ? `${conversation.draft}\n${text}` : text;
		this.store.scheduleSave(conversation);
		this.post({ type: 'input/set', text: conversation.draft, focus: true });
		this.post({
			type: 'notice/show',
			notice: {
				severity: 'info',
				message: 'A reply is still being written in this chat, so your message is back in the input box. Send it when the reply ends, or stop it.',
				actions: [{ label: 'Stop Generation', command: 'llmLab.stopGeneration' }],
			},
		});
	}

	private async sendClaimed(conversation: Conversation, text: string, resolution: BudgetResolution): Promise<void> {
		this.post({ type: 'notice/clear' });
		const prepared = await this.prepare(conversation, this.historyOf(conversation), text, resolution);
		if (!prepared) {
			this.pending = { conversationId: conversation.id, text };
			conversation.draft = text;
			this.store.scheduleSave(conversation);
			this.post({ type: 'input/set', text, focus: false });
			return;
		}
		const userMessage: StoredMessage = {
			id: randomUUID(),
			role: 'user',
			content: text,
			status: 'done',
			createdAt: Date.now(),
		};
		conversation.messages.push(userMessage);
		// Text returned to the input box while this message was being prepared stays there.
		if (conversation.draft === text) {
			conversation.draft = '';
		}
		if (conversation.title === 'New chat') {
			conversation.title = text.trim().split('\n')[0].slice(0, 60);
		}
		await this.store.save(conversation);
		this.post({ type: 'message/append', conversationId: conversation.id, message: userMessage });
		await this.reply(conversation, prepared);
	}

	/** Sends the last user message again, for Retry after a failed or stopped reply. */
	private async retry(conversationId: string, resolution: BudgetResolution = {}): Promise<void> {
		await this.loaded;
		const conversation = this.conversations.find((entry) => entry.id === conversationId);
		const lastUser = conversation && [...conversation.messages].reverse().find((entry) => entry.role === 'user');
		if (!conversation || !lastUser || this.busy.has(conversation.id)) {
			return;
		}
		this.busy.add(conversation.id);
		try {
			this.post({ type: 'notice/clear' });
			const history = this.historyOf(conversation, conversation.messages.indexOf(lastUser));
			const prepared = await this.prepare(conversation, history, lastUser.content, resolution);
			if (!prepared) {
				this.pending = { conversationId: conversation.id, retry: true };
				return;
			}
			await this.reply(conversation, prepared);
		} finally {
			this.busy.delete(conversation.id);
		}
	}

	/** Applies the user's choice for a request that did not fit, then sends it; `cancel` keeps the text unsent. */
	async resolveBudget(choice: 'trim' | 'raise' | 'cancel'): Promise<void> {
		const pending = this.pending;
		this.pending = undefined;
		this.post({ type: 'notice/clear' });
		if (!pending || choice === 'cancel') {
			return;
		}
		const resolution: BudgetResolution = choice === 'trim' ? { trim: true } : { raise: true };
		if (pending.retry) {
			await this.retry(pending.conversationId, resolution);
		} else if (pending.text !== undefined) {
			this.post({ type: 'input/set', text: '', focus: false });
			await this.send(pending.conversationId, pending.text, resolution);
		}
	}

	/** Messages sent as history: finished or stopped replies with text, and the user messages before them. */
	private historyOf(conversation: Conversation, end = conversation.messages.length): ChatMessage[] {
		return conversation.messages
			.slice(0, end)
			.filter((entry) => entry.role !== 'assistant' || (entry.status !== 'error' && entry.content.length > 0))
			.map((entry) => ({ role: entry.role, content: entry.content }));
	}

	/**
	 * Plans the request and checks its budget. Returns undefined when it does not fit and the user has not chosen how
	 * to make it fit yet; the page then shows the choices.
	 */
	private async prepare(
		conversation: Conversation,
		history: ChatMessage[],
		input: string,
		resolution: BudgetResolution,
	): Promise<PreparedRequest | undefined> {
		let profile = await this.profileOrNotice(conversation.numCtx);
		if (!profile) {
			return undefined;
		}
		const planInput = this.planInputFor(conversation, profile, history, input);
		let plan = await planRequest(planInput);
		if (plan.budget.level === 'over' && resolution.raise && plan.raiseNumCtxTo) {
			conversation.numCtx = plan.raiseNumCtxTo;
			this.logger.info(`Raised num_ctx of conversation ${conversation.id} to ${plan.raiseNumCtxTo} for ${profile.id}.`);
			profile = this.registry.profile(profile.id, conversation.numCtx) ?? profile;
			plan = await planRequest({ ...planInput, profile });
		} else if (plan.budget.level === 'over' && resolution.trim && plan.trimCount !== undefined) {
			this.logger.info(`Dropped the ${plan.trimCount} oldest messages of conversation ${conversation.id} to fit ${profile.id}.`);
			plan = trimPlan(plan, planInput, plan.trimCount);
		}
		if (plan.budget.level === 'over') {
			this.post({ type: 'notice/show', notice: overBudgetNotice(profile, plan) });
			this.logger.info(
				`Did not send to ${profile.id}: ${plan.budget.totalTokens} tokens do not fit its ${plan.budget.contextWindow}-token window.`,
			);
			return undefined;
		}
		return { profile, plan };
	}

	private planInputFor(conversation: Conversation, profile: ModelProfile, history: ChatMessage[], input: string): RequestPlanInput {
		const settings = this.registry.settings();
		return {
			profile,
			systemPrompt: conversation.systemPrompt,
			history,
			input,
			reservedTokens: Math.min(settings.maxTokens, profile.maxOutputTokens ?? settings.maxTokens),
			count: (text) => this.counter.count(text, profile.tokenizer),
			// OpenAI's own API uses the documented chat format; other servers' templates are learned from their counts.
			framing: profile.exactTokenizer && profile.providerKind === 'openai'
				? undefined
				: (messageCount) => this.calibration.framingFor(profile.id, messageCount),
		};
	}

	private async reply(conversation: Conversation, { profile, plan }: PreparedRequest): Promise<void> {
		const settings = this.registry.settings();
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
		const count = plan.messages.length === 1 ? '1 message' : `${plan.messages.length} messages`;
		this.logger.info(`Sending ${count} to ${profile.id} (${plan.budget.promptTokens} prompt tokens by our count).`);

		const deltas = new DeltaBatcher((text) =>
			this.post({ type: 'message/delta', conversationId: conversation.id, messageId: message.id, text }),
		);
		try {
			const client = provider && (await this.registry.providerFor(provider));
			if (!client) {
				throw new Error(`The provider "${profile.providerId}" of model ${profile.id} is not configured. Select another model.`);
			}
			const result = await streamReply({
				provider: client,
				model: profile.name,
				modelId: profile.id,
				messages: plan.messages,
				message,
				maxTokens: plan.budget.reservedTokens,
				temperature: settings.temperature,
				numCtx: profile.providerKind === 'ollama' ? conversation.numCtx : undefined,
				stallTimeoutMs: settings.stallTimeoutMs,
				signal: controller.signal,
				promptTokenEstimate: plan.budget.promptTokens,
				countTokens: (text) => this.counter.count(text, profile.tokenizer),
				price: settings.showCost ? profile.price : undefined,
				contextWindow: profile.contextWindow,
				exactTokenizer: profile.exactTokenizer,
				onDelta: (text) => {
					conversation.updatedAt = Date.now();
					this.store.scheduleSave(conversation);
					deltas.push(text);
				},
			});
			this.logResult(profile, plan.budget.promptTokens, result.reportedUsage?.promptTokens);
			this.learnFraming(profile, plan, result.reportedUsage?.promptTokens);
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
			deltas.flush();
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
				`Prompt token count for ${profile.id}: ours ${sent}, the server's ${reported} (tokenizer ${profile.tokenizerLabel}, ` +
					`${profile.exactTokenizer ? 'exact' : 'estimated'}).`,
			);
		}
	}

	/** Learns the model's chat framing from the server's prompt count, unless the prompt was truncated. */
	private learnFraming(profile: ModelProfile, plan: RequestPlan, reported: number | undefined): void {
		if (reported === undefined || isTruncated(reported, plan.budget.promptTokens) || !profile.exactTokenizer) {
			return;
		}
		const { systemTokens, historyTokens, inputTokens } = plan.budget;
		this.calibration.record(profile.id, plan.messages.length, systemTokens + historyTokens + inputTokens, reported);
		void this.globalState?.update(CALIBRATION_KEY, this.calibration.toJSON());
	}

	private async setGenerating(generating: boolean): Promise<void> {
		await vscode.commands.executeCommand('setContext', 'llmLab.generating', generating);
	}

	/** Recomputes the meter shortly after a change, so typing sends one update per pause. */
	scheduleMeterUpdate(): void {
		clearTimeout(this.meterTimer);
		this.meterTimer = setTimeout(() => {
			void this.active().then(async (conversation) => {
				const profile = this.registry.selectedProfileCached(conversation.numCtx);
				if (profile) {
					await this.updateMeter(conversation, profile);
				}
			});
		}, 150);
	}

	private async updateMeter(conversation: Conversation, profile: ModelProfile): Promise<void> {
		const plan = await planRequest(this.planInputFor(conversation, profile, this.historyOf(conversation), conversation.draft));
		const { budget } = plan;
		const meter: ContextMeter = {
			modelLabel: profile.id,
			tokenizer: profile.tokenizerLabel,
			exact: profile.exactTokenizer,
			contextWindow: profile.contextWindow,
			windowSource: profile.windowSource,
			systemTokens: budget.systemTokens,
			historyTokens: budget.historyTokens + budget.framingTokens,
			inputTokens: budget.inputTokens,
			reservedTokens: budget.reservedTokens,
			level: budget.level,
			conversationCostUsd: conversationCost(conversation),
		};
		this.post({ type: 'meter/update', meter });
	}
}

/** The user's choice for a request that did not fit the window. */
interface BudgetResolution {
	trim?: boolean;
	raise?: boolean;
}

/** A request waiting for that choice: a new message, or a retry of the last one. */
interface PendingRequest {
	conversationId: string;
	text?: string;
	retry?: boolean;
}

interface PreparedRequest {
	profile: ModelProfile;
	plan: RequestPlan;
}

/** Builds the notice for a request that does not fit: both numbers, where the window came from, and the choices. */
export function overBudgetNotice(profile: ModelProfile, plan: RequestPlan): ChatNotice {
	const { budget } = plan;
	const window = budget.contextWindow ?? 0;
	const actions: NoticeAction[] = [];
	if (plan.trimCount !== undefined) {
		const label = plan.trimCount === 1 ? 'Drop the Oldest Message and Send' : `Drop the ${plan.trimCount} Oldest Messages and Send`;
		actions.push({ label, command: RESOLVE_BUDGET_COMMAND, args: ['trim'] });
	} else {
		const withoutHistory = budget.totalTokens - budget.historyTokens;
		actions.push({
			label: 'Drop Oldest Messages and Send',
			command: RESOLVE_BUDGET_COMMAND,
			args: ['trim'],
			disabledReason: `Not enough: without any history the request still needs ${formatTokenCount(withoutHistory)} tokens.`,
		});
	}
	if (plan.raiseNumCtxTo !== undefined) {
		actions.push({
			label: `Raise num_ctx to ${formatTokenCount(plan.raiseNumCtxTo)} and Send`,
			command: RESOLVE_BUDGET_COMMAND,
			args: ['raise'],
		});
	} else if (profile.providerKind === 'ollama') {
		const trained = profile.trainedContextWindow;
		actions.push({
			label: 'Raise num_ctx and Send',
			command: RESOLVE_BUDGET_COMMAND,
			args: ['raise'],
			disabledReason: trained
				? `Not possible: ${profile.name} was trained for ${formatTokenCount(trained)} tokens at most.`
				: `Not possible: the trained length of ${profile.name} is unknown.`,
		});
	}
	actions.push({ label: 'Cancel', command: RESOLVE_BUDGET_COMMAND, args: ['cancel'] });
	const silently = profile.providerKind === 'ollama' ? 'Ollama would silently cut it' : 'the server would reject or cut it';
	return {
		severity: 'warning',
		message:
			`Not sent: this request needs ${formatTokenCount(budget.totalTokens)} tokens (${formatTokenCount(budget.promptTokens)} ` +
			`prompt + ${formatTokenCount(budget.reservedTokens)} reserved for the reply), but ${profile.id} runs with a ` +
			`${formatTokenCount(window)}-token window (from the ${profile.windowSource}), so ${silently}. Your text is ` +
			'still in the input box.',
		actions,
	};
}

/** Sums the known cost of a conversation's replies; undefined when none has a price. */
function conversationCost(conversation: Conversation): number | undefined {
	const costs = conversation.messages.map((message) => message.stats?.costUsd).filter((cost): cost is number => cost !== undefined);
	return costs.length > 0 ? costs.reduce((sum, cost) => sum + cost, 0) : undefined;
}
