/**
 * The input box with its Send and Stop buttons. The unsent draft goes to the host (debounced) and to
 * the webview state, so text survives the view being hidden, reloaded or moved.
 */

import type { Conversation } from '../../core/chat/conversation';
import type { ChatHostApi, ChatViewState } from './vscodeApi';

/** Wait after the last keystroke before the draft is posted to the host. */
const draftDebounceMs = 300;

export interface ComposerElements {
	input: HTMLTextAreaElement;
	send: HTMLButtonElement;
	stop: HTMLButtonElement;
}

export class Composer {
	private conversationId: string | undefined;
	private busy = false;
	private draftTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly elements: ComposerElements,
		private readonly api: ChatHostApi,
	) {
		const state = api.getState();
		this.conversationId = state?.conversationId;
		elements.input.value = state?.draft ?? '';

		elements.input.addEventListener('input', () => this.onInput());
		elements.input.addEventListener('keydown', (event) => this.onKeyDown(event));
		elements.input.addEventListener('blur', () => this.flushDraft());
		elements.send.addEventListener('click', () => this.send());
		elements.stop.addEventListener('click', () => this.stop());
		this.updateButtons();
	}

	/**
	 * Takes the conversation's draft, unless the webview state has a newer one because it was edited after
	 * the conversation was last saved or was not yet posted to the host.
	 */
	showConversation(conversation: Conversation, busy: boolean): void {
		const state = this.api.getState();
		this.conversationId = conversation.id;

		if (state && this.isLocalDraftNewer(state, conversation)) {
			if (state.draft !== conversation.draft) {
				this.elements.input.value = state.draft;
				this.saveState(state.draftEditedAt);
				this.postDraft();
			}
		} else {
			this.cancelDraftTimer();
			this.elements.input.value = conversation.draft;
			this.saveState(conversation.updatedAt);
		}
		this.setBusy(busy);
	}

	setBusy(busy: boolean): void {
		this.busy = busy;
		this.updateButtons();
	}

	/** Replaces the input text on the host's request, for example to prefill a prompt. */
	setText(text: string, focus: boolean): void {
		this.elements.input.value = text;
		this.onInput();
		if (focus) {
			this.elements.input.focus();
		}
	}

	/** Posts a pending draft now instead of waiting for the debounce. */
	flushDraft(): void {
		if (this.draftTimer !== undefined) {
			this.cancelDraftTimer();
			this.postDraft();
		}
	}

	private isLocalDraftNewer(state: ChatViewState, conversation: Conversation): boolean {
		// A draft typed before the page learned its conversation id belongs to whatever the host shows first.
		if (state.conversationId !== undefined && state.conversationId !== conversation.id) {
			return false;
		}
		return this.draftTimer !== undefined || state.draftEditedAt > conversation.updatedAt;
	}

	private onInput(): void {
		this.saveState(Date.now());
		this.updateButtons();
		this.cancelDraftTimer();
		this.draftTimer = setTimeout(() => {
			this.draftTimer = undefined;
			this.postDraft();
		}, draftDebounceMs);
	}

	private onKeyDown(event: KeyboardEvent): void {
		// Enter during IME composition confirms the composed characters, so it must not send.
		if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
			event.preventDefault();
			this.send();
		}
	}

	private send(): void {
		const text = this.elements.input.value;
		if (this.busy || !this.conversationId || text.trim().length === 0) {
			return;
		}
		this.api.postMessage({ type: 'chat/send', conversationId: this.conversationId, text });

		this.cancelDraftTimer();
		this.elements.input.value = '';
		this.saveState(Date.now());
		this.postDraft();
		this.updateButtons();
	}

	/** Posts `chat/stop` while a reply streams. Returns false when there is nothing to stop. */
	stop(): boolean {
		if (!this.busy || !this.conversationId) {
			return false;
		}
		this.api.postMessage({ type: 'chat/stop', conversationId: this.conversationId });
		return true;
	}

	private postDraft(): void {
		if (this.conversationId) {
			this.api.postMessage({
				type: 'draft/changed',
				conversationId: this.conversationId,
				text: this.elements.input.value,
			});
		}
	}

	private saveState(draftEditedAt: number): void {
		this.api.setState({ conversationId: this.conversationId, draft: this.elements.input.value, draftEditedAt });
	}

	private cancelDraftTimer(): void {
		clearTimeout(this.draftTimer);
		this.draftTimer = undefined;
	}

	private updateButtons(): void {
		const { send, stop, input } = this.elements;
		send.disabled = this.busy || !this.conversationId || input.value.trim().length === 0;
		stop.hidden = !this.busy;
		stop.disabled = !this.busy;
	}
}
