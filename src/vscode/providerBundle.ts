import * as path from 'node:path';
import type * as Providers from '../core/providers';

let loaded: typeof Providers | undefined;

/**
 * Loads the provider clients on first use. They live in their own bundle (`out/providers.js`, about 1.5 MB with the
 * OpenAI SDK, LangChain and zod), so activation and the status bar counter do not pay for them.
 */
export function loadProviders(): typeof Providers {
	// The bundles sit side by side in out/, and esbuild leaves this require alone because the path is computed.
	loaded ??= require(path.join(__dirname, 'providers.js')) as typeof Providers;
	return loaded;
}
