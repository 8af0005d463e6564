/**
 * The break-even section: which fine-tuned variant against which prompted one, the training inputs, the number of calls
 * after which fine-tuning is cheaper, and a chart of both total costs. The host computes the figures; the chart is
 * built with DOM APIs only.
 */

import { element, field, numberInput, select } from './dom';
import { formatCost, formatCount } from './format';
import type { BreakEven, BreakEvenSettings, BreakEvenView } from './protocol';
import { type CompareStrings, formatString } from './strings';
import type { CompareHostApi } from './vscodeApi';

const SVG = 'http://www.w3.org/2000/svg';
const CHART = { width: 520, height: 220, left: 72, right: 16, top: 12, bottom: 40 };
/** Wait after the last edit of an input before asking the host to compute again, in milliseconds. */
const COMPUTE_DELAY_MS = 300;

export class BreakEvenSection {
	private view: BreakEvenView | undefined;
	private readonly fineTuned: HTMLSelectElement;
	private readonly prompted: HTMLSelectElement;
	private readonly trainingTokens: HTMLInputElement;
	private readonly epochs: HTMLInputElement;
	private readonly trainingPrice: HTMLInputElement;
	private readonly result: HTMLElement;
	private readonly chart: HTMLElement;
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly container: HTMLElement,
		private readonly strings: CompareStrings,
		private readonly api: CompareHostApi,
	) {
		const compute = () => this.scheduleCompute();
		this.fineTuned = select([], '', compute);
		this.prompted = select([], '', compute);
		this.trainingTokens = numberInput(undefined, compute, { min: 0, step: 1 });
		this.epochs = numberInput(undefined, compute, { min: 1, step: 1 });
		this.trainingPrice = numberInput(undefined, compute, { min: 0 });
		this.result = element('p', { className: 'break-even-result', attributes: { role: 'status' } });
		this.chart = element('div', { className: 'break-even-chart' });
		container.replaceChildren(
			element('h2', { text: strings.breakEvenHeading }),
			element('div', { className: 'break-even-inputs' }, [
				field(strings.fineTunedVariant, this.fineTuned),
				field(strings.promptedVariant, this.prompted),
				field(strings.trainingTokens, this.trainingTokens),
				field(strings.epochs, this.epochs, 'field narrow'),
				field(strings.trainingPrice, this.trainingPrice),
			]),
			this.result,
			this.chart,
		);
	}

	show(view: BreakEvenView): void {
		this.view = view;
		setOptions(this.fineTuned, view.fineTunedCandidates, view.fineTuned, view.labels);
		setOptions(this.prompted, view.promptedCandidates, view.prompted, view.labels);
		setNumber(this.trainingTokens, view.settings.trainingTokens);
		setNumber(this.epochs, view.settings.epochs);
		setNumber(this.trainingPrice, view.settings.trainingPerMillion);
		this.trainingPrice.placeholder =
			view.catalogTrainingPerMillion === undefined ? this.strings.priceUnknown : String(view.catalogTrainingPerMillion);
		this.container.hidden = false;
		if (view.result) {
			this.result.textContent = this.describe(view, view.result);
			this.chart.replaceChildren(this.drawChart(view.result));
		} else {
			this.result.textContent = view.problem ?? '';
			this.chart.replaceChildren();
		}
	}

	private describe(view: BreakEvenView, result: BreakEven): string {
		const { strings } = this;
		const perCall = formatString(
			strings.perCallCosts,
			formatCost(result.fineTuned.perCallUsd),
			formatCost(result.prompted.perCallUsd),
			formatCost(result.trainingCostUsd),
		);
		const fineTuned = view.labels[view.fineTuned ?? ''] ?? view.fineTuned ?? '';
		const prompted = view.labels[view.prompted ?? ''] ?? view.prompted ?? '';
		if (result.calls === undefined) {
			return `${formatString(strings.neverCheaper, fineTuned, prompted)} ${perCall}`;
		}
		return `${formatString(strings.cheaperAfter, fineTuned, formatCount(result.calls), prompted)} ${perCall}`;
	}

	private scheduleCompute(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			const settings: BreakEvenSettings = {
				trainingTokens: valueOf(this.trainingTokens) ?? 0,
				epochs: Math.max(1, valueOf(this.epochs) ?? 1),
			};
			const price = valueOf(this.trainingPrice);
			if (price !== undefined) {
				settings.trainingPerMillion = price;
			}
			this.api.postMessage({
				type: 'breakEven/compute',
				...(this.fineTuned.value ? { fineTuned: this.fineTuned.value } : {}),
				...(this.prompted.value ? { prompted: this.prompted.value } : {}),
				settings,
			});
		}, COMPUTE_DELAY_MS);
	}

	/** Draws total cost against calls for both variants, with the break-even point marked when there is one. */
	private drawChart(result: BreakEven): SVGSVGElement {
		const { strings } = this;
		const xMax = niceCeiling(result.calls === undefined ? 1000 : result.calls * 2);
		const costAt = (line: BreakEven['prompted'], calls: number) => line.fixedUsd + line.perCallUsd * calls;
		const yMax = niceCeiling(Math.max(costAt(result.prompted, xMax), costAt(result.fineTuned, xMax), 1e-9) * 1.05);
		const plotWidth = CHART.width - CHART.left - CHART.right;
		const plotHeight = CHART.height - CHART.top - CHART.bottom;
		const x = (calls: number) => CHART.left + (calls / xMax) * plotWidth;
		const y = (usd: number) => CHART.top + plotHeight - (usd / yMax) * plotHeight;

		const svg = svgElement('svg', {
			class: 'chart',
			viewBox: `0 0 ${CHART.width} ${CHART.height}`,
			role: 'img',
			'aria-label': strings.chartLabel,
			'data-x-max': String(xMax),
			'data-y-max': String(yMax),
		});
		svg.append(
			svgElement('line', { class: 'axis', x1: x(0), y1: y(0), x2: x(xMax), y2: y(0) }),
			svgElement('line', { class: 'axis', x1: x(0), y1: y(0), x2: x(0), y2: y(yMax) }),
		);
		for (const calls of [0, xMax / 2, xMax]) {
			svg.append(svgText(formatCount(calls), x(calls), y(0) + 16, 'tick tick-x'));
		}
		svg.append(svgText(formatCost(0), x(0) - 6, y(0), 'tick tick-y'), svgText(formatCost(yMax), x(0) - 6, y(yMax) + 10, 'tick tick-y'));
		svg.append(svgText(strings.chartCalls, x(xMax), y(0) + 32, 'axis-title axis-title-x'));

		const series: Array<[string, BreakEven['prompted'], string]> = [
			['prompted', result.prompted, strings.promptedSeries],
			['fine-tuned', result.fineTuned, strings.fineTunedSeries],
		];
		series.forEach(([name, line, label], index) => {
			const path = svgElement('polyline', {
				class: `series series-${name}`,
				points: `${x(0)},${y(costAt(line, 0))} ${x(xMax)},${y(costAt(line, xMax))}`,
				'data-series': name,
				'data-fixed-usd': String(line.fixedUsd),
				'data-per-call-usd': String(line.perCallUsd),
			});
			const title = svgElement('title', {});
			title.textContent = label;
			path.append(title);
			const legendY = CHART.top + 12 + index * 16;
			svg.append(
				path,
				svgElement('rect', { class: `legend legend-${name}`, x: x(0) + 10, y: legendY - 8, width: 12, height: 4 }),
				svgText(label, x(0) + 28, legendY, 'legend-label'),
			);
		});
		if (result.calls !== undefined) {
			const cost = costAt(result.fineTuned, result.calls);
			const marker = svgElement('circle', {
				class: 'break-even-point',
				cx: x(result.calls),
				cy: y(cost),
				r: 4,
				'data-calls': String(result.calls),
				'data-cost-usd': String(cost),
			});
			svg.append(marker, svgText(formatString(strings.chartPoint, formatCount(result.calls)), x(result.calls) + 6, y(cost) - 8, 'point-label'));
		}
		return svg;
	}
}

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
	const node = document.createElementNS(SVG, tag);
	for (const [name, value] of Object.entries(attributes)) {
		node.setAttribute(name, typeof value === 'number' ? String(Math.round(value * 100) / 100) : value);
	}
	return node;
}

function svgText(text: string, x: number, y: number, className: string): SVGTextElement {
	const node = svgElement('text', { class: className, x, y });
	node.textContent = text;
	return node;
}

/** Rounds up to 1, 2 or 5 times a power of ten, for axis ends that read well. */
export function niceCeiling(value: number): number {
	if (!(value > 0)) {
		return 1;
	}
	const power = 10 ** Math.floor(Math.log10(value));
	const step = [1, 2, 5, 10].find((multiple) => multiple * power >= value * (1 - 1e-12)) ?? 10;
	return step * power;
}

function setOptions(node: HTMLSelectElement, values: readonly string[], selected: string | undefined, labels: Record<string, string>): void {
	const current = [...node.options].map((option) => `${option.value}\u0000${option.text}`);
	const wanted = values.map((value) => `${value}\u0000${labels[value] ?? value}`);
	if (current.join('\n') !== wanted.join('\n')) {
		node.replaceChildren(...values.map((value) => new Option(labels[value] ?? value, value)));
	}
	node.value = selected ?? '';
	node.disabled = values.length < 2;
}

/** Sets a number box, unless the user is typing in it. */
function setNumber(input: HTMLInputElement, value: number | undefined): void {
	if (document.activeElement !== input) {
		input.value = value === undefined ? '' : String(value);
	}
}

function valueOf(input: HTMLInputElement): number | undefined {
	return input.value.trim() === '' || !Number.isFinite(input.valueAsNumber) ? undefined : input.valueAsNumber;
}
