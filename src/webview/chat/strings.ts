/**
 * User-visible text of the Chat view's page. The host passes localised values through `renderChatHtml`,
 * and any key it leaves out falls back to the English text here. `{0}`, `{1}` … are placeholders.
 */
export const defaultChatStrings = {
	newChat: 'New Chat',
	send: 'Send',
	stop: 'Stop',
	retry: 'Retry',
	dismiss: 'Dismiss',
	inputLabel: 'Message to the model',
	inputPlaceholder: 'Ask the model (Enter to send, Shift+Enter for a new line)',
	conversationLabel: 'Conversation',
	emptyConversation: 'Type a message below to start. Replies stream in as the model writes them.',
	userRole: 'You',
	assistantRole: 'Assistant',
	systemRole: 'System',
	copy: 'Copy',
	copied: 'Copied',
	copyCodeLabel: 'Copy code block',
	imageLink: 'Image: {0}',
	bidiControlTitle: 'Hidden text direction control {0}, shown here because it can reorder the text around it',
	showAll: 'Show all',
	showLess: 'Show less',
	statusStopped: 'Stopped',
	statusError: 'Error',
	statusStreaming: 'Writing…',
	promptTokens: '{0} prompt',
	completionTokens: '{0} completion tokens',
	estimated: 'estimated',
	latency: '{0} total',
	firstToken: 'first token {0}',
	meterLabel: '{0} + {1} reserved / {2} tokens ({3})',
	meterLabelNoWindow: '{0} + {1} reserved tokens ({2}), context window unknown',
	meterSource: 'Window from {0}',
	meterCost: 'this chat cost {0}',
	meterAriaLabel: 'Context window use',
	meterSystem: 'System prompt',
	meterHistory: 'History',
	meterInput: 'Input',
	meterReserved: 'Reserved for the reply',
};

export type ChatStrings = typeof defaultChatStrings;

/** Replaces `{0}`, `{1}` … in `template` with the matching argument. Placeholders without an argument stay. */
export function formatString(template: string, ...args: Array<string | number>): string {
	return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
		const value = args[Number(index)];
		return value === undefined ? placeholder : String(value);
	});
}
