/**
 * Collects streamed text and hands it on at most once per interval, so a server that sends one token per chunk does
 * not cost the page one message and one render per token.
 */
export class DeltaBatcher {
	private buffered: string[] = [];
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly send: (text: string) => void,
		private readonly intervalMs = 40,
	) {}

	push(text: string): void {
		this.buffered.push(text);
		this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
	}

	/** Sends what is buffered now; call it before anything that must follow the last text. */
	flush(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (this.buffered.length > 0) {
			const text = this.buffered.join('');
			this.buffered = [];
			this.send(text);
		}
	}
}
