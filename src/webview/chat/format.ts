/** Number formats for token counts, durations and prices in the user's locale. */

const integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const secondsFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const smallCostFormat = new Intl.NumberFormat(undefined, {
	style: 'currency',
	currency: 'USD',
	maximumSignificantDigits: 2,
});
const costFormat = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });

export function formatCount(count: number): string {
	return integerFormat.format(count);
}

/** Formats milliseconds as `850 ms` below one second and `2.4 s` above. */
export function formatDuration(milliseconds: number): string {
	if (milliseconds < 1000) {
		return `${integerFormat.format(milliseconds)} ms`;
	}
	return `${secondsFormat.format(milliseconds / 1000)} s`;
}

/** Formats US dollars, keeping two significant digits for sub-cent amounts such as `$0.0021`. */
export function formatCost(usd: number): string {
	if (usd > 0 && usd < 0.01) {
		return smallCostFormat.format(usd);
	}
	return costFormat.format(usd);
}
