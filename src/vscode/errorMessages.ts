import {
	AuthError,
	BadResponseError,
	CancelledError,
	ConnectionError,
	ContextOverflowError,
	MissingKeyError,
	ModelNotFoundError,
	ProviderError,
	RateLimitError,
	RequestTimeoutError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../core/errors';
import type { ProviderConfig } from '../core/providers/types';
import type { ChatNotice, NoticeAction } from '../webview/chat/protocol';

/** Command the chat view handles itself: send the last user message again. */
export const RETRY_COMMAND = 'llmLab.retryLastMessage';

const showLog: NoticeAction = { label: 'Show Log', command: 'llmLab.showLog' };
const retry: NoticeAction = { label: 'Retry', command: RETRY_COMMAND };
const selectModel: NoticeAction = { label: 'Select Model', command: 'llmLab.selectModel' };

function openSettings(query = 'llmLab.providers'): NoticeAction {
	return { label: 'Open Settings', command: 'workbench.action.openSettings', args: [query] };
}

function setKey(provider?: ProviderConfig): NoticeAction {
	return { label: 'Set API Key', command: 'llmLab.setApiKey', args: provider ? [provider.id] : [] };
}

/** Turns a failed request into a chat notice: what failed, what to do next, and buttons for it. */
export function noticeForError(error: unknown, provider?: ProviderConfig): ChatNotice {
	const message = error instanceof Error ? error.message : String(error);
	const actions = actionsFor(error, provider);
	const severity = error instanceof CancelledError ? 'info' : 'error';
	return { severity, message, actions };
}

function actionsFor(error: unknown, provider?: ProviderConfig): NoticeAction[] {
	if (error instanceof CancelledError) {
		return [];
	}
	if (error instanceof MissingKeyError || error instanceof AuthError) {
		return [setKey(provider), showLog];
	}
	if (error instanceof ModelNotFoundError) {
		return [selectModel, { label: 'Refresh Models', command: 'llmLab.refreshModels' }];
	}
	if (error instanceof ConnectionError) {
		if (provider?.kind === 'ollama') {
			return [
				retry,
				{ label: 'How to Start Ollama', command: 'vscode.open', args: ['https://ollama.com/download'] },
				openSettings(),
			];
		}
		return [retry, openSettings(), showLog];
	}
	if (error instanceof ContextOverflowError) {
		return [{ label: 'New Chat', command: 'llmLab.newChat' }, openSettings('llmLab.maxTokens')];
	}
	if (
		error instanceof RateLimitError ||
		error instanceof ServerError ||
		error instanceof RequestTimeoutError ||
		error instanceof StreamStalledError ||
		error instanceof StreamCutError ||
		error instanceof BadResponseError
	) {
		return [retry, showLog];
	}
	if (error instanceof ProviderError) {
		return [retry, showLog];
	}
	return [showLog];
}

/** Builds the guidance shown when no provider responded and no model could be selected. */
export function firstRunNotice(): ChatNotice {
	return {
		severity: 'info',
		message:
			'No model is available yet. LLM Lab looks for Ollama at http://127.0.0.1:11434: install it and run ' +
			'"ollama serve" and "ollama pull llama3.2", or add an OpenAI-compatible server (LM Studio, llama.cpp, vLLM) ' +
			'in the llmLab.providers setting, or set an OpenAI API key.',
		actions: [
			{ label: 'How to Start Ollama', command: 'vscode.open', args: ['https://ollama.com/download'] },
			{ label: 'Add OpenAI-Compatible Server', command: 'workbench.action.openSettings', args: ['llmLab.providers'] },
			{ label: 'Set API Key', command: 'llmLab.setApiKey', args: [] },
			{ label: 'Refresh Models', command: 'llmLab.refreshModels' },
		],
	};
}
