import * as path from 'node:path';
import type * as Providers from '../core/providers';

let loaded: typeof Providers | undefined;

/**
 * Loads the provider clients on first use. They live in their own bundle (`out/providers.js`, about 1.5 MB with the
 * OpenAI SDK, LangChain and zod), so activation and the status bar counter do not parse them. Errors they throw still
 * pass `instanceof` checks here, because the error classes compare a declared kind (see `core/errors.ts`).
 */
export function loadProviders(): typeof Providers {
	// A computed path, so esbuild leaves the require to run time; the bundles sit side by side in out/.
	loaded ??= require(path.join(__dirname, 'providers.js')) as typeof Providers;
	return loaded;
}
