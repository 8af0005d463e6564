/**
 * Logging interface for `src/core`. The extension backs it with a `LogOutputChannel`, the command line with the console,
 * and tests with a recorder. Implementations must never receive secrets: callers redact keys before logging.
 */
export interface Logger {
	trace(message: string, ...args: unknown[]): void;
	debug(message: string, ...args: unknown[]): void;
	info(message: string, ...args: unknown[]): void;
	warn(message: string, ...args: unknown[]): void;
	error(message: string | Error, ...args: unknown[]): void;
}

/** Logger that drops every message, used when the caller passes none. */
export const silentLogger: Logger = {
	trace() {},
	debug() {},
	info() {},
	warn() {},
	error() {},
};
