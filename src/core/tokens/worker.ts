/** Entry of the token-count worker thread (bundled to `out/token-worker.js`). */

import { parentPort } from 'node:worker_threads';
import { TokenCountHost } from './host';
import type { TokenCountRequest } from './protocol';

if (!parentPort) {
	throw new Error('The token-count worker must run in a worker thread; start it through TokenCountService.');
}
const port = parentPort;
const host = new TokenCountHost();
port.on('message', (request: TokenCountRequest) => {
	const response = host.handle(request);
	if (response) {
		port.postMessage(response);
	}
});
