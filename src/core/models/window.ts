/** The context window a server really runs a model with, as opposed to the length it was trained for. */

import type { ContextWindowFigures, ContextWindowSource } from '../providers/types';

/**
 * Ollama's default `num_ctx` when neither the request nor the Modelfile sets one, `OLLAMA_CONTEXT_LENGTH` is unset and
 * the machine has under 24 GiB of VRAM (Ollama v0.15.5 and later). Before April 2025 the default was 2048. The server
 * does not report it, so the `llmLab.ollama.defaultContextWindow` setting overrides this guess.
 */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;

export interface ResolvedWindow {
	contextWindow?: number;
	source: ContextWindowSource;
}

export interface OllamaWindowOptions {
	/** `num_ctx` that LLM Lab will send in the request options. */
	requestNumCtx?: number;
	/** The server's window when nothing else sets `num_ctx`. @default OLLAMA_DEFAULT_NUM_CTX */
	serverDefault?: number;
}

/**
 * Picks the window for an Ollama request in the server's own order: the request's `num_ctx`, then the Modelfile's,
 * then what `/api/ps` reports for the loaded model, then the server default. Ollama caps an automatic default at the
 * model's trained length, so that cap applies to the default only.
 */
export function resolveOllamaWindow(figures: ContextWindowFigures, options: OllamaWindowOptions = {}): ResolvedWindow {
	if (options.requestNumCtx && options.requestNumCtx > 0) {
		return { contextWindow: options.requestNumCtx, source: 'request options' };
	}
	if (figures.modelParameters) {
		return { contextWindow: figures.modelParameters, source: 'model parameters' };
	}
	if (figures.runningServer) {
		return { contextWindow: figures.runningServer, source: 'running server' };
	}
	const fallback = options.serverDefault ?? OLLAMA_DEFAULT_NUM_CTX;
	return {
		contextWindow: figures.modelMetadata ? Math.min(fallback, figures.modelMetadata) : fallback,
		source: 'server default',
	};
}

/**
 * Returns the `num_ctx` to raise a window to so that `neededTokens` fit: the next multiple of 1,024, at most the
 * model's trained length. Returns undefined when even that is too small.
 */
export function raisedNumCtx(neededTokens: number, trainedLength: number | undefined): number | undefined {
	const raised = Math.ceil(neededTokens / 1024) * 1024;
	if (trainedLength !== undefined && raised > trainedLength) {
		return neededTokens <= trainedLength ? trainedLength : undefined;
	}
	return raised;
}
