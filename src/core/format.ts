/** Number formats shared by the status bar, the chat view and the command line. */

/** Formats a token count with thousands separators: `1,284`. */
export function formatTokenCount(count: number): string {
	return count.toLocaleString('en-US');
}

/** Formats a context window compactly: `128k`, `1M`, `4,096`. */
export function formatWindow(tokens: number): string {
	if (tokens >= 1_000_000 && tokens % 1_000_000 < 50_000) {
		return `${Math.round(tokens / 1_000_000)}M`;
	}
	if (tokens >= 1_000_000) {
		return `${(tokens / 1_000_000).toFixed(2).replace(/0+$/, '')}M`;
	}
	if (tokens >= 10_000 && tokens % 1000 === 0) {
		return `${tokens / 1000}k`;
	}
	if (tokens >= 10_000 && tokens % 1024 === 0) {
		return `${tokens / 1024}k`;
	}
	return tokens.toLocaleString('en-US');
}

/** Formats a share of the window as a percentage (`1%`, `0.4%`, `<0.1%`), or as a multiple from ten windows up (`22.8×`). */
export function formatShare(tokens: number, window: number): string {
	const percent = (tokens / window) * 100;
	if (percent >= 1000) {
		return `${Number((tokens / window).toFixed(1))}×`;
	}
	if (percent > 0 && percent < 0.1) {
		return '<0.1%';
	}
	return percent < 10 ? `${Number(percent.toFixed(1))}%` : `${Math.round(percent)}%`;
}
