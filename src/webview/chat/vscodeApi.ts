/** Typed access to the API that VS Code injects into webviews. */

import type { WebviewToHost } from './protocol';

/** Page state kept with `setState`. It contains only the unsent draft, because the host can rebuild the rest. */
export interface ChatViewState {
	conversationId?: string;
	draft: string;
	/** `Date.now()` when the draft was last edited here, compared with the conversation's `updatedAt`. */
	draftEditedAt: number;
}

export interface ChatHostApi {
	postMessage(message: WebviewToHost): void;
	getState(): ChatViewState | undefined;
	setState(state: ChatViewState): void;
}

declare function acquireVsCodeApi(): ChatHostApi;

/** Returns the host API. VS Code allows one `acquireVsCodeApi` call per page, so call this once. */
export function acquireHostApi(): ChatHostApi {
	return acquireVsCodeApi();
}
