import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { ProviderConfig } from '../core/providers/types';
import { isBaseUrlFromWorkspace } from './settings';

const CONFIRMED_HOSTS_KEY = 'llmLab.confirmedKeyHosts';

/**
 * API keys in SecretStorage, one per provider entry. A key goes only to the host that was configured when it was set,
 * or to another host after the user confirms it, so that a repository's workspace settings cannot redirect it.
 */
export class KeyStore {
	constructor(
		private readonly secrets: vscode.SecretStorage,
		private readonly globalState: vscode.Memento,
		private readonly logger: Logger,
	) {}

	private secretName(providerId: string): string {
		return `llmLab.apiKey.${providerId}`;
	}

	async get(providerId: string): Promise<string | undefined> {
		return (await this.secrets.get(this.secretName(providerId))) || undefined;
	}

	async set(provider: ProviderConfig, key: string): Promise<void> {
		await this.secrets.store(this.secretName(provider.id), key);
		await this.confirmHost(provider);
		this.logger.info(`Stored an API key for provider "${provider.id}" in SecretStorage.`);
	}

	async clear(providerId: string): Promise<void> {
		await this.secrets.delete(this.secretName(providerId));
		const hosts = this.confirmedHosts();
		delete hosts[providerId];
		await this.globalState.update(CONFIRMED_HOSTS_KEY, hosts);
		this.logger.info(`Removed the API key of provider "${providerId}".`);
	}

	/**
	 * Returns the key for a request to the provider's current base URL. Asks before sending it to a host that differs
	 * from the confirmed one when workspace settings chose that host; returns undefined when the user declines.
	 */
	async getForRequest(provider: ProviderConfig): Promise<string | undefined> {
		const key = await this.get(provider.id);
		if (!key) {
			return undefined;
		}
		const host = new URL(provider.baseUrl).host;
		const confirmed = this.confirmedHosts()[provider.id];
		if (confirmed === host || (!confirmed && !isBaseUrlFromWorkspace(provider.id))) {
			return key;
		}
		const send = 'Send Key';
		const choice = await vscode.window.showWarningMessage(
			`Send your "${provider.name}" API key to ${host}?`,
			{
				modal: true,
				detail:
					`The base URL ${provider.baseUrl} comes from this workspace's settings` +
					(confirmed ? `, but the key was set for ${confirmed}.` : '.') +
					' Send the key only if you trust this host.',
			},
			send,
		);
		if (choice !== send) {
			this.logger.warn(`Did not send the "${provider.id}" API key to ${host}: the user declined.`);
			return undefined;
		}
		await this.confirmHost(provider);
		return key;
	}

	private confirmedHosts(): Record<string, string> {
		return { ...this.globalState.get<Record<string, string>>(CONFIRMED_HOSTS_KEY, {}) };
	}

	private async confirmHost(provider: ProviderConfig): Promise<void> {
		const hosts = this.confirmedHosts();
		hosts[provider.id] = new URL(provider.baseUrl).host;
		await this.globalState.update(CONFIRMED_HOSTS_KEY, hosts);
	}
}
