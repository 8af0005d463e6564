/** The notice bar above the conversation: request errors and first-run help, with command buttons. */

import { createTextWithVisibleControls } from './bidi';
import type { ChatNotice } from './protocol';
import type { ChatStrings } from './strings';
import type { ChatHostApi } from './vscodeApi';

/** Characters of a notice shown before a "Show all" button; servers can return whole HTML pages as errors. */
const noticePreviewLength = 500;

/** Shows `notice` in `container`, replacing any earlier one. */
export function showNotice(container: HTMLElement, notice: ChatNotice, api: ChatHostApi, strings: ChatStrings): void {
	const box = document.createElement('div');
	box.className = `notice notice-${notice.severity}`;
	// Errors interrupt a screen reader, while warnings and help wait for a pause.
	box.setAttribute('role', notice.severity === 'error' ? 'alert' : 'status');

	const message = document.createElement('p');
	message.className = 'notice-message';
	showCappedText(message, notice.message, strings);

	const actions = document.createElement('div');
	actions.className = 'notice-actions';
	for (const action of notice.actions) {
		const button = document.createElement('button');
		button.type = 'button';
		button.textContent = action.label;
		if (action.disabledReason) {
			button.disabled = true;
			button.title = action.disabledReason;
			button.setAttribute('aria-description', action.disabledReason);
		}
		button.addEventListener('click', () => {
			const args = action.args === undefined ? {} : { args: action.args };
			api.postMessage({ type: 'command/run', command: action.command, ...args });
		});
		actions.append(button);
	}

	const dismiss = document.createElement('button');
	dismiss.type = 'button';
	dismiss.className = 'secondary notice-dismiss';
	dismiss.textContent = strings.dismiss;
	dismiss.addEventListener('click', () => clearNotice(container));
	actions.append(dismiss);

	box.append(message, actions);
	container.replaceChildren(box);
	container.hidden = false;
}

export function clearNotice(container: HTMLElement): void {
	container.replaceChildren();
	container.hidden = true;
}

/**
 * Shows `text` in `element`. Text longer than `noticePreviewLength` is cut there, with a button that shows all of
 * it and then less again.
 */
export function showCappedText(element: HTMLElement, text: string, strings: ChatStrings): void {
	const preview = cutText(text, noticePreviewLength);
	if (preview === text) {
		element.replaceChildren(...createTextWithVisibleControls(text, strings));
		return;
	}

	const content = document.createElement('span');
	content.className = 'capped-text';
	const toggle = document.createElement('button');
	toggle.type = 'button';
	toggle.className = 'link-button show-all';
	const showExpanded = (expanded: boolean) => {
		content.replaceChildren(...createTextWithVisibleControls(expanded ? text : `${preview}…`, strings));
		toggle.textContent = expanded ? strings.showLess : strings.showAll;
		toggle.setAttribute('aria-expanded', String(expanded));
	};
	toggle.addEventListener('click', () => showExpanded(toggle.getAttribute('aria-expanded') !== 'true'));
	showExpanded(false);
	element.replaceChildren(content, ' ', toggle);
}

/** Returns the first `length` UTF-16 code units of `text`, one fewer when that would split a surrogate pair. */
function cutText(text: string, length: number): string {
	if (text.length <= length) {
		return text;
	}
	const last = text.charCodeAt(length - 1);
	const end = last >= 0xd800 && last <= 0xdbff ? length - 1 : length;
	return text.slice(0, end);
}
