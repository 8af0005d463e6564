/** The notice bar at the top of the panel: errors and warnings from the host, and the offer to resume a run. */

import { button, element } from './dom';
import type { PanelNotice, ResumeOffer } from './protocol';
import { type CompareStrings, formatString } from './strings';
import type { CompareHostApi } from './vscodeApi';

/** Shows `notice` in `container`, replacing any earlier one. */
export function showNotice(container: HTMLElement, notice: PanelNotice, api: CompareHostApi, strings: CompareStrings): void {
	const actions = notice.actions.map((action) =>
		button(
			action.label,
			() => api.postMessage({ type: 'command/run', command: action.command, ...(action.args ? { args: action.args } : {}) }),
			'',
		),
	);
	actions.push(button(strings.dismiss, () => clearNotice(container)));
	const box = element('div', { className: `notice notice-${notice.severity}` }, [
		element('p', { className: 'notice-message', text: notice.message }),
		element('div', { className: 'notice-actions' }, actions),
	]);
	// Errors interrupt a screen reader, while warnings and help wait for a pause.
	box.setAttribute('role', notice.severity === 'error' ? 'alert' : 'status');
	container.replaceChildren(box);
	container.hidden = false;
}

export function clearNotice(container: HTMLElement): void {
	container.replaceChildren();
	container.hidden = true;
}

/** Shows the offer to finish an unfinished run file, or hides it when `offer` is undefined. */
export function showResumeOffer(container: HTMLElement, offer: ResumeOffer | undefined, api: CompareHostApi, strings: CompareStrings): void {
	if (!offer) {
		clearNotice(container);
		return;
	}
	const started = new Date(offer.createdAt).toLocaleString();
	const message = formatString(strings.resumeOffer, offer.done, offer.total, started, offer.runFile);
	const box = element('div', { className: 'notice notice-info', attributes: { role: 'status' } }, [
		element('p', { className: 'notice-message', text: message }),
		element('div', { className: 'notice-actions' }, [
			button(strings.resume, () => api.postMessage({ type: 'run/resume', runFile: offer.runFile }), ''),
			button(strings.dismiss, () => clearNotice(container)),
		]),
	]);
	container.replaceChildren(box);
	container.hidden = false;
}
