/**
 * Child process of the benchmark: prints, as JSON, the RSS and heap before the core is loaded, after it loads
 * o200k_base, and after it counts a 5 MB file. The corpus is built before the first figure, so only the core's cost is in the
 * difference. Run with `--expose-gc` so both figures are taken after a full collection.
 */

import { typeScriptSource } from './corpus';

function settle(): NodeJS.MemoryUsage {
	(globalThis as { gc?: () => void }).gc?.();
	return process.memoryUsage();
}

const text = typeScriptSource(5_000_000);
const before = settle();
const { countTokens } = require('../../src/core/tokens/count') as typeof import('../../src/core/tokens/count');
countTokens('load', 'o200k_base');
const loaded = settle();
const tokens = countTokens(text, 'o200k_base');
const after = settle();
process.stdout.write(
	JSON.stringify({
		tokens,
		rssBefore: before.rss,
		rssLoaded: loaded.rss,
		rssAfter: after.rss,
		heapBefore: before.heapUsed,
		heapLoaded: loaded.heapUsed,
		heapAfter: after.heapUsed,
	}),
);
