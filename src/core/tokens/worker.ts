/** Entry of the token-count worker thread (bundled to `out/token-worker.js`). */

import { parentPort, workerData } from 'node:worker_threads';
import { TokenCountHost } from './host';
import type { TokenCountHostOptions, TokenCountRequest } from './protocol';

if (!parentPort) {
	throw new Error('The token-count worker must run in a worker thread; start it through TokenCountService.');
}
const port = parentPort;
const host = new TokenCountHost((workerData ?? {}) as TokenCountHostOptions);
port.on('message', (request: TokenCountRequest) => {
	if (request.type === 'tokenizer/prepareOllama') {
		void host.prepareOllama(request).then((response) => port.postMessage(response));
		return;
	}
	const response = host.handle(request);
	if (response) {
		port.postMessage(response);
	}
});
