/** Entry point of the Chat view's page. It finds the elements from `renderChatHtml` and routes host messages. */

import { Composer } from './composer';
import { readCodeBlock, createMarkdownRenderer } from './markdown';
import { MessageList } from './messages';
import { type MeterElements, renderMeter } from './meter';
import { clearNotice, showNotice } from './notices';
import type { HostToWebview } from './protocol';
import { type ChatStrings, defaultChatStrings } from './strings';
import { acquireHostApi } from './vscodeApi';

/** How long a Copy button reads "Copied" after a click. */
const copiedFeedbackMs = 1500;

function findElement<T extends HTMLElement>(id: string): T {
	const element = document.getElementById(id);
	if (!element) {
		throw new Error(`The Chat view page has no element #${id}, so renderChatHtml and main.ts do not match.`);
	}
	return element as T;
}

/** Reads the localised strings that the host put on `<body data-strings>`. */
function readStrings(): ChatStrings {
	const json = document.body.dataset.strings;
	if (!json) {
		return defaultChatStrings;
	}
	return { ...defaultChatStrings, ...(JSON.parse(json) as Partial<ChatStrings>) };
}

function start(): void {
	const api = acquireHostApi();
	const strings = readStrings();
	const log = findElement('messages');
	const noticeArea = findElement('notices');
	const messages = new MessageList(log, createMarkdownRenderer(strings), strings);
	const composer = new Composer(
		{ input: findElement('input'), send: findElement('send'), stop: findElement('stop') },
		api,
	);
	const meter: MeterElements = {
		container: findElement('meter'),
		model: findElement('meter-model'),
		bar: findElement('meter-bar'),
		label: findElement('meter-label'),
		source: findElement('meter-source'),
		estimated: findElement('meter-estimated'),
	};
	let conversationId: string | undefined;

	function handleHostMessage(message: HostToWebview): void {
		switch (message.type) {
			case 'conversation/show':
				conversationId = message.conversation.id;
				messages.showAll(message.conversation.messages);
				composer.showConversation(message.conversation, message.busy);
				break;
			case 'message/append':
				if (message.conversationId === conversationId) {
					messages.append(message.message);
				}
				break;
			case 'message/delta':
				if (message.conversationId === conversationId) {
					messages.appendDelta(message.messageId, message.text);
				}
				break;
			case 'message/update':
				if (message.conversationId === conversationId) {
					messages.update(message.message);
				}
				break;
			case 'busy/changed':
				if (message.conversationId === conversationId) {
					composer.setBusy(message.busy);
				}
				break;
			case 'meter/update':
				renderMeter(meter, message.meter, strings);
				break;
			case 'notice/show':
				showNotice(noticeArea, message.notice, api, strings);
				break;
			case 'notice/clear':
				clearNotice(noticeArea);
				break;
			case 'input/set':
				composer.setText(message.text, message.focus);
				break;
		}
	}

	window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handleHostMessage(event.data));

	log.addEventListener('click', (event) => {
		const target = event.target instanceof Element ? event.target : null;
		const copyButton = target?.closest('button.copy-code');
		if (copyButton) {
			api.postMessage({ type: 'clipboard/write', text: readCodeBlock(copyButton) });
			copyButton.textContent = strings.copied;
			setTimeout(() => {
				copyButton.textContent = strings.copy;
			}, copiedFeedbackMs);
			return;
		}
		if (target?.closest('button.retry') && conversationId) {
			api.postMessage({ type: 'chat/retry', conversationId });
		}
	});

	// VS Code's Escape keybinding for Stop Generation does not fire while focus is inside the webview.
	document.addEventListener('keydown', (event) => {
		// Escape during IME composition cancels the composition and must not stop the reply.
		if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) {
			return;
		}
		if (composer.stop()) {
			event.preventDefault();
		}
	});

	findElement('new-chat').addEventListener('click', () => {
		composer.flushDraft();
		api.postMessage({ type: 'chat/new' });
	});
	window.addEventListener('pagehide', () => composer.flushDraft());
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'hidden') {
			composer.flushDraft();
		}
	});

	api.postMessage({ type: 'webview/ready' });
}

start();
