import { TokenCountHost } from './host';
import type { TokenCountHostOptions, TokenCountRequest, TokenCountResponse } from './protocol';
import { TokenCountService, type TokenCountTransport } from './service';

/**
 * Returns a transport that counts on the caller's thread. Requests run one at a time in the order sent, each in its
 * own macrotask, and replies arrive asynchronously as they do from the worker.
 */
export function createInProcessTransport(host = new TokenCountHost()): TokenCountTransport {
	const queue: TokenCountRequest[] = [];
	let receive: ((response: TokenCountResponse) => void) | undefined;
	let scheduled = false;
	let disposed = false;

	const drain = (): void => {
		scheduled = false;
		const request = queue.shift();
		if (!request || disposed) {
			return;
		}
		if (request.type === 'tokenizer/prepareOllama') {
			void host.prepareOllama(request).then((response) => {
				if (!disposed) {
					receive?.(response);
				}
			});
			schedule();
			return;
		}
		const response = host.handle(request);
		if (response) {
			receive?.(response);
		}
		schedule();
	};
	const schedule = (): void => {
		if (!scheduled && queue.length > 0) {
			scheduled = true;
			setImmediate(drain);
		}
	};

	return {
		send(request) {
			queue.push(request);
			schedule();
		},
		connect(onResponse) {
			receive = onResponse;
		},
		async dispose() {
			disposed = true;
			queue.length = 0;
		},
	};
}

/** Returns a `TokenCountService` that counts on the caller's thread, for tests and the command line. */
export function createInProcessTokenCountService(options: TokenCountHostOptions = {}): TokenCountService {
	return new TokenCountService(createInProcessTransport(new TokenCountHost(options)));
}
