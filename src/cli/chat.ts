import { chatFramingTokens } from '../core/budget/framing';
import type { StoredMessage } from '../core/chat/conversation';
import { streamReply } from '../core/chat/reply';
import {
	AuthError,
	BadResponseError,
	CancelledError,
	ConnectionError,
	MissingKeyError,
	StreamCutError,
	StreamStalledError,
} from '../core/errors';
import { formatTokenCount } from '../core/format';
import { lookupModel } from '../core/models/catalog';
import { isOfficialOpenAI } from '../core/models/profile';
import { createProvider } from '../core/providers';
import type { ChatMessage, ProviderConfig } from '../core/providers/types';
import { countTokens } from '../core/tokens';
import { UsageError } from './usageError';

export interface ChatOptions {
	model?: string;
	baseUrl?: string;
	maxTokens?: number;
	temperature?: number;
	system?: string;
	prompt: string;
}

/** Exit status when the reply was cut off: stopped at the output limit, stalled, or the connection closed. */
export const EXIT_CUT_OFF = 3;

/** Streams one reply to standard output and its usage to standard error; Ctrl+C stops it. */
export async function runChat(options: ChatOptions): Promise<number> {
	if (!options.model) {
		throw new UsageError('chat needs --model, for example --model gpt-4o-mini or --model ollama:llama3.2:3b.');
	}
	if (!options.prompt.trim()) {
		throw new UsageError('chat needs a PROMPT.');
	}
	const ollama = options.model.startsWith('ollama:');
	const name = ollama ? options.model.slice('ollama:'.length) : options.model.replace(/^openai:/, '');
	const config: ProviderConfig = {
		id: ollama ? 'ollama' : 'openai',
		name: ollama ? 'Ollama' : 'OpenAI-compatible server',
		kind: ollama ? 'ollama' : 'openai',
		baseUrl: options.baseUrl ?? (ollama ? 'http://127.0.0.1:11434' : 'https://api.openai.com/v1'),
	};
	if (ollama && name.trim() === '') {
		throw new UsageError('--model ollama: needs a model name, for example --model ollama:llama3.2:3b.');
	}
	const protocol = URL.parse(config.baseUrl)?.protocol;
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw new UsageError(`invalid --base-url "${config.baseUrl}": expected an http or https URL such as http://127.0.0.1:8080/v1.`);
	}
	const apiKey = ollama ? undefined : process.env.OPENAI_API_KEY || undefined;
	if (!ollama && !apiKey && isOfficialOpenAI(config.baseUrl)) {
		process.stderr.write('llm-lab: OPENAI_API_KEY is not set. Export your OpenAI API key, or pass --base-url for a local server.\n');
		return 1;
	}

	const messages: ChatMessage[] = [
		...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
		{ role: 'user', content: options.prompt },
	];
	const match = ollama ? undefined : lookupModel(name);
	const encoding = match?.entry.tokenizer ?? 'o200k_base';
	const promptTokenEstimate =
		messages.reduce((sum, message) => sum + countTokens(message.content, encoding), 0) + chatFramingTokens(messages.length);
	const controller = new AbortController();
	const onInterrupt = () => controller.abort(new CancelledError());
	process.once('SIGINT', onInterrupt);
	// A reader that goes away (`llm-lab chat ... | head -c 10`) makes writes fail with EPIPE: stop the request quietly.
	let stdoutClosed = false;
	const onStdoutError = (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') {
			throw error;
		}
		stdoutClosed = true;
		controller.abort(new CancelledError());
	};
	process.stdout.on('error', onStdoutError);
	const write = (text: string) => {
		if (!stdoutClosed) {
			process.stdout.write(text);
		}
	};
	const message: StoredMessage = { id: 'cli', role: 'assistant', content: '', status: 'streaming', createdAt: Date.now() };
	try {
		const result = await streamReply({
			provider: createProvider(config, { apiKey }),
			model: name,
			modelId: `${config.id}:${name}`,
			messages,
			message,
			maxTokens: options.maxTokens,
			temperature: options.temperature,
			stallTimeoutMs: 60_000,
			signal: controller.signal,
			promptTokenEstimate,
			countTokens: (text) => countTokens(text, encoding),
			price: match && isOfficialOpenAI(config.baseUrl) ? match.price : undefined,
			exactTokenizer: match !== undefined && isOfficialOpenAI(config.baseUrl),
			onDelta: write,
		});
		if (stdoutClosed) {
			return 0;
		}
		write('\n');
		const stats = message.stats;
		const usage = stats
			? `${formatTokenCount(stats.promptTokens ?? 0)} prompt + ${formatTokenCount(stats.completionTokens ?? 0)} completion tokens` +
				(stats.estimated ? ' (estimated: the server reported no usage)' : '') +
				`, ${((stats.latencyMs ?? 0) / 1000).toFixed(2)} s` +
				(stats.firstTokenMs !== undefined ? `, first token after ${stats.firstTokenMs} ms` : '') +
				(stats.costUsd !== undefined ? `, $${stats.costUsd.toFixed(6)}` : '')
			: '';
		process.stderr.write(`usage: ${usage}\n`);
		const notice = cliNotice(result.error, message, options.maxTokens);
		if (notice) {
			process.stderr.write(`llm-lab: ${notice}\n`);
		}
		return exitStatus(result.error, message);
	} finally {
		process.off('SIGINT', onInterrupt);
		// A write still queued can fail after this returns, so the listener stays once the pipe has closed.
		if (!stdoutClosed) {
			process.stdout.off('error', onStdoutError);
		}
	}
}

/**
 * Returns the exit status for how the reply ended: 130 when stopped with Ctrl+C, 3 when it was cut off (output limit,
 * stalled or closed stream, or a failure after some text), and 1 when the request failed before any text.
 */
export function exitStatus(error: unknown, message: StoredMessage): number {
	if (error === undefined) {
		return message.finishReason === 'length' ? EXIT_CUT_OFF : 0;
	}
	if (error instanceof CancelledError) {
		return 130;
	}
	if (error instanceof StreamCutError || error instanceof StreamStalledError || message.content.length > 0) {
		return EXIT_CUT_OFF;
	}
	return 1;
}

/**
 * Returns the message to print after the reply. The core's notices name VS Code settings, so the cases that do
 * (rejected or missing keys, output-limit stops) get command-line wording here, chosen by error class and finish reason.
 */
export function cliNotice(error: unknown, message: StoredMessage, maxTokens: number | undefined): string | undefined {
	if (error instanceof AuthError) {
		const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
		return `${error.url ?? 'The server'} rejected the API key${status}. Set a valid key in OPENAI_API_KEY and retry.`;
	}
	if (error instanceof MissingKeyError) {
		return 'No API key was given. Export your key in OPENAI_API_KEY, or pass --base-url for a local server.';
	}
	if (error instanceof ConnectionError) {
		return `Could not connect to ${error.url}. Check that the server is running and that --base-url is right.`;
	}
	if (error instanceof BadResponseError && error.status !== undefined && error.status >= 300 && error.status < 400) {
		return `${error.url} redirects to another host (HTTP ${error.status}). Pass the final URL with --base-url.`;
	}
	if (error instanceof BadResponseError) {
		return (
			`The reply from ${error.url} is not in the expected format. Check that --base-url points to an ` +
			'OpenAI-compatible API (it usually ends in /v1), or to Ollama for ollama: models.'
		);
	}
	const completionTokens = message.stats?.estimated ? undefined : message.stats?.completionTokens;
	const windowFull = maxTokens !== undefined && completionTokens !== undefined && completionTokens < maxTokens;
	if (error === undefined && message.finishReason === 'length' && !windowFull) {
		// NOTE: this replaces the whole notice, so an "input truncated" notice before it is not printed.
		const limit = maxTokens ? ` of ${maxTokens.toLocaleString('en-US')} tokens` : '';
		return `Stopped at the output limit${limit}. Raise --max-tokens for longer replies.`;
	}
	return message.notice;
}
