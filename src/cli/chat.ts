import { chatFramingTokens } from '../core/budget/framing';
import type { StoredMessage } from '../core/chat/conversation';
import { streamReply } from '../core/chat/reply';
import { CancelledError } from '../core/errors';
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
	if (!URL.canParse(config.baseUrl)) {
		throw new UsageError(`invalid --base-url "${config.baseUrl}": expected a URL such as http://127.0.0.1:8080/v1.`);
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
			onDelta: (text) => process.stdout.write(text),
		});
		process.stdout.write('\n');
		const stats = message.stats;
		const usage = stats
			? `${formatTokenCount(stats.promptTokens ?? 0)} prompt + ${formatTokenCount(stats.completionTokens ?? 0)} completion tokens` +
				(stats.estimated ? ' (estimated: the server reported no usage)' : '') +
				`, ${((stats.latencyMs ?? 0) / 1000).toFixed(2)} s` +
				(stats.firstTokenMs !== undefined ? `, first token after ${stats.firstTokenMs} ms` : '') +
				(stats.costUsd !== undefined ? `, $${stats.costUsd.toFixed(6)}` : '')
			: '';
		process.stderr.write(`usage: ${usage}\n`);
		if (message.notice) {
			process.stderr.write(`llm-lab: ${message.notice}\n`);
		}
		if (result.error) {
			return result.error instanceof CancelledError ? 130 : message.content.length > 0 ? EXIT_CUT_OFF : 1;
		}
		return message.finishReason === 'length' ? EXIT_CUT_OFF : 0;
	} finally {
		process.off('SIGINT', onInterrupt);
	}
}
