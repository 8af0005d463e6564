/**
 * HTML of the Chat view's page. It takes plain strings instead of `vscode` objects, so tests can serve
 * the same page from a local HTTP server.
 */

import { randomBytes } from 'node:crypto';
import { type ChatStrings, defaultChatStrings } from '../../webview/chat/strings';

export interface ChatHtmlOptions {
	/** `webview.cspSource`: the origin that serves the extension's local resources. */
	cspSource: string;
	/** Nonce from `createNonce()`, new for each page load. */
	nonce: string;
	/** URI of `out/webview/chat.js` as the webview may load it (`webview.asWebviewUri`). */
	scriptUri: string;
	/** URI of `media/chat.css`. */
	styleUri: string;
	/** URI of the codicon stylesheet, when the host ships one. */
	codiconsUri?: string;
	/** Localised text. Missing keys fall back to English. */
	strings?: Partial<ChatStrings>;
	/** BCP 47 language tag of the page, such as `vscode.env.language`. @default 'en' */
	language?: string;
}

/** Returns a 128-bit random nonce, base64url-encoded, for the page's `script-src`. */
export function createNonce(): string {
	return randomBytes(16).toString('base64url');
}

/** Builds the Content-Security-Policy, which allows nothing beyond the listed sources. */
export function buildChatCsp(cspSource: string, nonce: string): string {
	return [
		`default-src 'none'`,
		`style-src ${cspSource}`,
		`script-src 'nonce-${nonce}'`,
		`img-src ${cspSource} https: data:`,
		`font-src ${cspSource}`,
	].join('; ');
}

/** Escapes text for use in HTML element content and in double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

export function renderChatHtml(options: ChatHtmlOptions): string {
	const strings: ChatStrings = { ...defaultChatStrings, ...options.strings };
	const text = (key: keyof ChatStrings) => escapeHtml(strings[key]);
	const codicons = options.codiconsUri
		? `<link rel="stylesheet" href="${escapeHtml(options.codiconsUri)}">`
		: '';

	return `<!DOCTYPE html>
<html lang="${escapeHtml(options.language ?? 'en')}">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildChatCsp(options.cspSource, options.nonce))}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	${codicons}
	<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
	<title>LLM Lab Chat</title>
</head>
<body data-strings="${escapeHtml(JSON.stringify(strings))}">
	<div class="toolbar">
		<button type="button" id="new-chat" class="secondary">${text('newChat')}</button>
	</div>
	<div id="notices" class="notices" hidden></div>
	<div id="messages" class="messages empty" role="log" aria-live="polite" aria-label="${text('conversationLabel')}"
		tabindex="0"></div>
	<section id="meter" class="meter" aria-label="${text('meterAriaLabel')}" hidden>
		<div class="meter-heading">
			<span id="meter-model" class="meter-model"></span>
			<span id="meter-estimated" class="estimated" hidden>${text('estimated')}</span>
		</div>
		<div id="meter-bar" class="meter-bar" role="meter" aria-label="${text('meterAriaLabel')}"></div>
		<div class="meter-details">
			<span id="meter-label" class="meter-label"></span>
			<span id="meter-source" class="meter-source"></span>
		</div>
	</section>
	<div class="composer">
		<textarea id="input" rows="3" aria-label="${text('inputLabel')}" placeholder="${text('inputPlaceholder')}"></textarea>
		<div class="composer-actions">
			<button type="button" id="stop" class="secondary" hidden disabled>${text('stop')}</button>
			<button type="button" id="send" disabled>${text('send')}</button>
		</div>
	</div>
	<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
