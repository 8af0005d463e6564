import * as path from 'node:path';
import type * as Engine from './engine';

export type CompareEngine = typeof Engine;

let loaded: CompareEngine | undefined;

/**
 * Loads the comparison engine bundle (`out/compare-engine.js`) on first use. Errors it throws pass `instanceof` checks
 * here, because the error classes compare a declared kind (see `core/errors.ts`).
 */
export function loadCompareEngine(): CompareEngine {
	// A computed path, so esbuild leaves the require to run time; the bundles sit side by side in out/.
	loaded ??= require(path.join(__dirname, 'compare-engine.js')) as CompareEngine;
	return loaded;
}
