import * as vscode from 'vscode';
import { OLLAMA_DEFAULT_NUM_CTX } from '../core/models/window';
import type { ProviderConfig } from '../core/providers/types';

export const SECTION = 'llmLab';

export interface LabSettings {
	providers: ProviderConfig[];
	defaultModel: string;
	systemPrompt: string;
	maxTokens: number;
	temperature?: number;
	stallTimeoutMs: number;
	contextWindowOverrides: Record<string, number>;
	/** The window Ollama uses when nothing sets `num_ctx`: `OLLAMA_CONTEXT_LENGTH` or its VRAM-based default. */
	ollamaDefaultContextWindow: number;
	statusBarEnabled: boolean;
	showCost: boolean;
}

const DEFAULT_PROVIDERS: ProviderConfig[] = [
	{ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
	{ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
];

/** Reads the `llmLab.*` settings, dropping provider entries that are invalid. */
export function readSettings(): LabSettings {
	const config = vscode.workspace.getConfiguration(SECTION);
	const providers = config.get<Partial<ProviderConfig>[]>('providers', DEFAULT_PROVIDERS);
	const temperature = config.get<number | null>('temperature', null);
	return {
		providers: providers.filter(isValidProvider).map((entry) => ({ ...entry, name: entry.name || entry.id })),
		defaultModel: config.get<string>('defaultModel', ''),
		systemPrompt: config.get<string>('systemPrompt', ''),
		maxTokens: Math.max(1, config.get<number>('maxTokens', 1024)),
		temperature: typeof temperature === 'number' ? temperature : undefined,
		stallTimeoutMs: Math.max(1, config.get<number>('streamStallTimeoutSeconds', 60)) * 1000,
		contextWindowOverrides: config.get<Record<string, number>>('contextWindowOverrides', {}),
		ollamaDefaultContextWindow: Math.max(1, config.get<number>('ollama.defaultContextWindow', OLLAMA_DEFAULT_NUM_CTX)),
		statusBarEnabled: config.get<boolean>('statusBar.enabled', true),
		showCost: config.get<boolean>('showCost', true),
	};
}

function isValidProvider(entry: Partial<ProviderConfig>): entry is ProviderConfig {
	return (
		typeof entry.id === 'string' &&
		/^[A-Za-z0-9_-]+$/.test(entry.id) &&
		(entry.kind === 'ollama' || entry.kind === 'openai') &&
		typeof entry.baseUrl === 'string' &&
		URL.canParse(entry.baseUrl)
	);
}

/**
 * Reports whether a provider's base URL comes from workspace settings, which a cloned repository can set: a key is
 * not sent to such a host until the user confirms it.
 */
export function isBaseUrlFromWorkspace(providerId: string): boolean {
	const inspected = vscode.workspace.getConfiguration(SECTION).inspect<ProviderConfig[]>('providers');
	const fromWorkspace = [...(inspected?.workspaceValue ?? []), ...(inspected?.workspaceFolderValue ?? [])];
	return fromWorkspace.some((entry) => entry.id === providerId);
}
