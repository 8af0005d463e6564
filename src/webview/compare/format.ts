/** Number formats of the Compare panel. Counts, durations and costs reuse the Chat view's formats. */

export { formatCost, formatCount, formatDuration } from '../chat/format';

const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const scoreFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Formats a share from 0 to 1 as `92.5%`. */
export function formatPercent(share: number): string {
	return percentFormat.format(share);
}

/** Formats a score from 0 to 1 with two decimals. */
export function formatScore(score: number): string {
	return scoreFormat.format(score);
}
