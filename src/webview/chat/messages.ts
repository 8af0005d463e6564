/** The message list: one article per stored message, with Markdown replies rendered once per frame. */

import type { MessageStats, StoredMessage } from '../../core/chat/conversation';
import { createTextWithVisibleControls } from './bidi';
import { formatCost, formatCount, formatDuration } from './format';
import type { MarkdownRenderer } from './markdown';
import type { MarkdownStream } from './markdownStream';
import { showCappedText } from './notices';
import { type ChatStrings, formatString } from './strings';

interface MessageView {
	message: StoredMessage;
	article: HTMLElement;
	header: HTMLElement;
	body: HTMLElement;
	notice: HTMLElement;
	footer: HTMLElement;
	/** Renders an assistant reply's Markdown, keeping the blocks that are finished between frames. */
	markdownStream?: MarkdownStream;
}

export class MessageList {
	private readonly views = new Map<string, MessageView>();
	/** Messages whose body changed since the last frame. */
	private readonly pendingBodies = new Set<string>();
	private frameRequested = false;
	/** True while new content should keep the list scrolled to the end, and false once the user scrolls up. */
	private followBottom = true;

	constructor(
		private readonly log: HTMLElement,
		private readonly markdown: MarkdownRenderer,
		private readonly strings: ChatStrings,
	) {
		log.addEventListener('scroll', () => {
			this.followBottom = this.isScrolledToBottom();
		});
		// The list shrinks when a notice or the meter appears above or below it.
		new ResizeObserver(() => this.scrollToBottomIfFollowing()).observe(log);
	}

	/** Replaces every message, as when the host shows a conversation. */
	showAll(messages: StoredMessage[]): void {
		this.views.clear();
		this.pendingBodies.clear();
		this.log.replaceChildren();
		for (const message of messages) {
			this.append(message);
		}
		this.updateEmptyState();
		this.followBottom = true;
		this.scrollToBottomIfFollowing();
	}

	append(message: StoredMessage): void {
		if (this.views.has(message.id)) {
			this.update(message);
			return;
		}
		const view = this.createView(message);
		this.views.set(message.id, view);
		this.log.append(view.article);
		this.updateEmptyState();
		this.renderBody(view);
		this.scrollToBottomIfFollowing();
	}

	/** Replaces a message's content, status and stats. Unknown ids are appended. */
	update(message: StoredMessage): void {
		const view = this.views.get(message.id);
		if (!view) {
			this.append(message);
			return;
		}
		view.message = message;
		this.renderDetails(view);
		this.scheduleBody(message.id);
	}

	/**
	 * Appends streamed text to a message. The Markdown is rendered at most once per animation frame, and only
	 * its last, unfinished blocks are rendered again.
	 */
	appendDelta(messageId: string, text: string): boolean {
		const view = this.views.get(messageId);
		if (!view) {
			return false;
		}
		view.message = { ...view.message, content: view.message.content + text };
		this.scheduleBody(messageId);
		return true;
	}

	private scheduleBody(messageId: string): void {
		this.pendingBodies.add(messageId);
		if (this.frameRequested) {
			return;
		}
		this.frameRequested = true;
		requestAnimationFrame(() => this.flush());
	}

	private flush(): void {
		this.frameRequested = false;
		for (const messageId of this.pendingBodies) {
			const view = this.views.get(messageId);
			if (view) {
				this.renderBody(view);
			}
		}
		this.pendingBodies.clear();
		// NOTE: reading scrollHeight lays out the whole list, which for a 1 MB reply took longer than the render.
		this.scrollToBottomIfFollowing();
	}

	private scrollToBottomIfFollowing(): void {
		if (this.followBottom) {
			this.log.scrollTop = this.log.scrollHeight;
		}
	}

	private isScrolledToBottom(): boolean {
		return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
	}

	private createView(message: StoredMessage): MessageView {
		const article = document.createElement('article');
		article.dataset.messageId = message.id;

		const header = document.createElement('header');
		header.className = 'message-role';
		const body = document.createElement('div');
		const notice = document.createElement('p');
		notice.className = 'message-notice';
		const footer = document.createElement('footer');
		footer.className = 'message-footer';
		article.append(header, body, notice, footer);

		const view = { message, article, header, body, notice, footer };
		this.renderDetails(view);
		return view;
	}

	/** Renders everything except the body: role, status, notice and stats. */
	private renderDetails(view: MessageView): void {
		const { message, article } = view;
		article.className = `message message-${message.role} status-${message.status}`;
		article.setAttribute('aria-busy', String(message.status === 'streaming'));
		view.header.textContent = this.describeRole(message);

		showCappedText(view.notice, message.notice ?? '', this.strings);
		view.notice.hidden = !message.notice;
		view.footer.replaceChildren(...this.createFooterItems(message));
		view.footer.hidden = view.footer.childElementCount === 0;
	}

	private renderBody(view: MessageView): void {
		const { message, body } = view;
		if (message.role === 'assistant') {
			body.className = 'message-body markdown';
			view.markdownStream ??= this.markdown.createStream(body);
			view.markdownStream.render(message.content, message.status !== 'streaming');
		} else {
			body.className = 'message-body plain';
			body.replaceChildren(...createTextWithVisibleControls(message.content, this.strings));
		}
	}

	private describeRole(message: StoredMessage): string {
		if (message.role === 'user') {
			return this.strings.userRole;
		}
		if (message.role === 'system') {
			return this.strings.systemRole;
		}
		return message.model ?? this.strings.assistantRole;
	}

	private createFooterItems(message: StoredMessage): HTMLElement[] {
		const items: HTMLElement[] = [];
		const status = this.describeStatus(message);
		if (status) {
			items.push(createSpan(`status-marker status-marker-${message.status}`, status));
		}
		if (message.stats) {
			items.push(...createStatItems(message.stats, this.strings));
		}
		// The stylesheet shows Retry only on the last message, because the host retries the latest request.
		if (message.role === 'assistant' && (message.status === 'error' || message.status === 'stopped')) {
			const retry = document.createElement('button');
			retry.type = 'button';
			retry.className = 'secondary retry';
			retry.textContent = this.strings.retry;
			items.push(retry);
		}
		return items;
	}

	private describeStatus(message: StoredMessage): string | undefined {
		switch (message.status) {
			case 'stopped':
				return this.strings.statusStopped;
			case 'error':
				return this.strings.statusError;
			case 'streaming':
				return this.strings.statusStreaming;
			case 'done':
				return undefined;
		}
	}

	private updateEmptyState(): void {
		this.log.classList.toggle('empty', this.views.size === 0);
		this.log.dataset.emptyText = this.strings.emptyConversation;
	}
}

/** Creates one span each for token counts, timings and cost. The stylesheet puts separators between them. */
function createStatItems(stats: MessageStats, strings: ChatStrings): HTMLElement[] {
	const items: HTMLElement[] = [];
	const tokenParts: string[] = [];
	if (stats.promptTokens !== undefined) {
		tokenParts.push(formatString(strings.promptTokens, formatCount(stats.promptTokens)));
	}
	if (stats.completionTokens !== undefined) {
		tokenParts.push(formatString(strings.completionTokens, formatCount(stats.completionTokens)));
	}
	if (tokenParts.length > 0) {
		const tokens = createSpan('stat stat-tokens', tokenParts.join(' + '));
		if (stats.estimated) {
			tokens.append(' ', createSpan('estimated', `(${strings.estimated})`));
		}
		items.push(tokens);
	}
	if (stats.latencyMs !== undefined) {
		items.push(createSpan('stat stat-latency', formatString(strings.latency, formatDuration(stats.latencyMs))));
	}
	if (stats.firstTokenMs !== undefined) {
		const firstToken = formatString(strings.firstToken, formatDuration(stats.firstTokenMs));
		items.push(createSpan('stat stat-first-token', firstToken));
	}
	if (stats.costUsd !== undefined) {
		items.push(createSpan('stat stat-cost', formatCost(stats.costUsd)));
	}
	return items;
}

function createSpan(className: string, text: string): HTMLSpanElement {
	const span = document.createElement('span');
	span.className = className;
	span.textContent = text;
	return span;
}
