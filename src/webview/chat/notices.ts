/** The notice bar above the conversation: request errors and first-run help, with command buttons. */

import type { ChatNotice } from './protocol';
import type { ChatStrings } from './strings';
import type { ChatHostApi } from './vscodeApi';

/** Shows `notice` in `container`, replacing any earlier one. */
export function showNotice(container: HTMLElement, notice: ChatNotice, api: ChatHostApi, strings: ChatStrings): void {
	const box = document.createElement('div');
	box.className = `notice notice-${notice.severity}`;
	// Errors interrupt a screen reader, while warnings and help wait for a pause.
	box.setAttribute('role', notice.severity === 'error' ? 'alert' : 'status');

	const message = document.createElement('p');
	message.className = 'notice-message';
	message.textContent = notice.message;

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
