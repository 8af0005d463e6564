import * as vscode from 'vscode';
import { MissingKeyError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isOfficialOpenAI, type ModelProfile, modelIdOf, parseModelId, profileModel } from '../core/models/profile';
import { listCatalog } from '../core/models/catalog';
import type { ChatProvider, ModelInfo, ProviderConfig } from '../core/providers/types';
import type { KeyStore } from './keys';
import { LocalTokenizers } from './localTokenizers';
import { loadProviders } from './providerBundle';
import type { TokenCounter } from './tokenCounter';
import { type LabSettings, readSettings } from './settings';

const SELECTED_MODEL_KEY = 'llmLab.selectedModel';
const MODEL_CACHE_KEY = 'llmLab.modelCache';

/** Models of one provider entry, or why they could not be listed. */
export interface ProviderListing {
	provider: ProviderConfig;
	models: ModelInfo[];
	error?: unknown;
}

/**
 * The configured providers, their models and the selected model. Listings are cached in global state so the meter
 * and status bar know a model's window at startup without a request.
 */
export class ModelRegistry implements vscode.Disposable {
	private readonly onDidChangeEmitter = new vscode.EventEmitter<void>();
	/** Fires when the selected model, a listing or the settings change. */
	readonly onDidChange = this.onDidChangeEmitter.event;
	private listings: ProviderListing[] | undefined;
	private readonly disposables: vscode.Disposable[] = [this.onDidChangeEmitter];

	private localTokenizers: LocalTokenizers | undefined;

	constructor(
		private readonly globalState: vscode.Memento,
		private readonly keys: KeyStore,
		private readonly logger: Logger,
	) {
		this.disposables.push(
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('llmLab')) {
					this.listings = undefined;
					this.onDidChangeEmitter.fire();
				}
			}),
		);
	}

	/** Counts Ollama models with their own vocabularies, prepared in the token worker. */
	useLocalTokenizers(counter: TokenCounter): void {
		this.localTokenizers = new LocalTokenizers(counter, this.logger, () => this.onDidChangeEmitter.fire());
	}

	dispose(): void {
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	settings(): LabSettings {
		return readSettings();
	}

	providerConfig(providerId: string): ProviderConfig | undefined {
		return this.settings().providers.find((entry) => entry.id === providerId);
	}

	/** Creates a provider client with its key; throws MissingKeyError when OpenAI's own API has no key. */
	async providerFor(config: ProviderConfig): Promise<ChatProvider> {
		const apiKey = await this.keys.getForRequest(config);
		if (!apiKey && config.kind === 'openai' && isOfficialOpenAI(config.baseUrl)) {
			throw new MissingKeyError(
				`No API key is set for "${config.name}". Run "LLM Lab: Set API Key" to add one.`,
				{ providerId: config.id, url: config.baseUrl },
			);
		}
		return loadProviders().createProvider(config, { apiKey, logger: this.logger });
	}

	/** Lists every provider's models; a provider that fails is returned with its error, never dropped. */
	async listAll(refresh = false, signal?: AbortSignal): Promise<ProviderListing[]> {
		if (this.listings && !refresh) {
			return this.listings;
		}
		const providers = this.settings().providers;
		const listings = await Promise.all(providers.map((provider) => this.listProvider(provider, signal)));
		this.listings = listings;
		const cache: Record<string, ModelInfo> = {};
		for (const listing of listings) {
			for (const model of listing.models) {
				cache[model.id] = model;
			}
		}
		await this.globalState.update(MODEL_CACHE_KEY, { ...this.cachedModels(), ...cache });
		this.onDidChangeEmitter.fire();
		return listings;
	}

	private async listProvider(provider: ProviderConfig, signal?: AbortSignal): Promise<ProviderListing> {
		try {
			const client = await this.providerFor(provider);
			return { provider, models: await client.listModels(signal) };
		} catch (error) {
			this.logger.warn(`Listing the models of "${provider.id}" at ${provider.baseUrl} failed: ${String(error)}`);
			if (provider.kind === 'openai' && isOfficialOpenAI(provider.baseUrl)) {
				return { provider, models: catalogModels(provider), error };
			}
			return { provider, models: [], error };
		}
	}

	private cachedModels(): Record<string, ModelInfo> {
		return this.globalState.get<Record<string, ModelInfo>>(MODEL_CACHE_KEY, {});
	}

	selectedModelId(): string | undefined {
		return this.globalState.get<string>(SELECTED_MODEL_KEY) || this.settings().defaultModel || undefined;
	}

	async selectModel(id: string): Promise<void> {
		await this.globalState.update(SELECTED_MODEL_KEY, id);
		this.logger.info(`Selected model ${id}.`);
		this.onDidChangeEmitter.fire();
	}

	/** Returns the selected model's profile, or the first chat model listed when none is selected yet. */
	async selectedProfile(numCtx?: number): Promise<ModelProfile | undefined> {
		const id = this.selectedModelId();
		if (id) {
			// A model chosen in settings before any listing has no window yet, so list once to learn it.
			if (!this.listings && !this.cachedModels()[id]) {
				await this.listAll();
			}
			return this.profile(id, numCtx);
		}
		// Only a provider that responded counts, because the catalog models listed for OpenAI without a key cannot chat yet.
		const listings = await this.listAll();
		const answered = listings.filter((listing) => listing.error === undefined);
		const first = answered.flatMap((listing) => listing.models).find((model) => model.chat && !model.error);
		if (first) {
			await this.selectModel(first.id);
			return this.profile(first.id, numCtx);
		}
		return undefined;
	}

	/**
	 * Builds a model's profile from the latest listing, the cache, or the id alone when neither has it. `numCtx` is the
	 * Ollama window a conversation sends with its requests.
	 */
	profile(id: string, numCtx?: number): ModelProfile | undefined {
		const parsed = parseModelId(id);
		const settings = this.settings();
		const provider = parsed && settings.providers.find((entry) => entry.id === parsed.providerId);
		if (!parsed || !provider) {
			return undefined;
		}
		const listed = this.listings?.flatMap((listing) => listing.models).find((model) => model.id === id);
		const info: ModelInfo = listed ??
			this.cachedModels()[id] ?? {
				id,
				providerId: provider.id,
				name: parsed.name,
				contextWindowSource: 'unknown',
				chat: true,
			};
		const localTokenizer = this.localTokenizers?.keyFor(info, provider);
		return profileModel(
			info,
			provider.kind,
			settings.contextWindowOverrides,
			isOfficialOpenAI(provider.baseUrl),
			{ requestNumCtx: numCtx, serverDefault: settings.ollamaDefaultContextWindow },
			localTokenizer,
		);
	}

	/** Returns the cached profile of the selected model without any request, for the status bar. */
	selectedProfileCached(numCtx?: number): ModelProfile | undefined {
		const id = this.selectedModelId();
		return id ? this.profile(id, numCtx) : undefined;
	}
}

function catalogModels(provider: ProviderConfig): ModelInfo[] {
	return listCatalog().map((entry) => ({
		id: modelIdOf(provider.id, entry.name),
		providerId: provider.id,
		name: entry.name,
		contextWindow: entry.contextWindow,
		contextWindowSource: 'catalog',
		maxOutputTokens: entry.maxOutputTokens,
		chat: true,
	}));
}
