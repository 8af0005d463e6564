/** Typed access to the API that VS Code injects into the Compare panel's page. */

import type { WebviewToHost } from './protocol';

/** Page state kept with `setState`: only how the results are shown, because the host can rebuild the rest. */
export interface CompareViewState {
	viewMode: ViewMode;
	/** Variant id the other outputs are diffed against in `diff-variant` mode. */
	diffBase?: string;
}

/** What each results cell shows: the rendered output, or a word diff against the expected output or another variant. */
export type ViewMode = 'output' | 'diff-expected' | 'diff-variant';

export interface CompareHostApi {
	postMessage(message: WebviewToHost): void;
	getState(): CompareViewState | undefined;
	setState(state: CompareViewState): void;
}

declare function acquireVsCodeApi(): CompareHostApi;

/** Returns the host API. VS Code allows one `acquireVsCodeApi` call per page, so call this once. */
export function acquireHostApi(): CompareHostApi {
	return acquireVsCodeApi();
}
