/** The context meter: a bar of system, history, input and reserved-reply tokens against the model's window. */

import type { ContextMeter } from './protocol';
import { formatCost, formatCount } from './format';
import { type ChatStrings, formatString } from './strings';

type SegmentName = 'system' | 'history' | 'input' | 'reserved';

const segmentNames: SegmentName[] = ['system', 'history', 'input', 'reserved'];

export interface MeterElements {
	container: HTMLElement;
	model: HTMLElement;
	bar: HTMLElement;
	label: HTMLElement;
	source: HTMLElement;
	estimated: HTMLElement;
}

export function renderMeter(elements: MeterElements, meter: ContextMeter, strings: ChatStrings): void {
	const used = meter.systemTokens + meter.historyTokens + meter.inputTokens;
	const total = used + meter.reservedTokens;
	const contextWindow = meter.contextWindow;

	elements.container.hidden = false;
	elements.container.dataset.level = meter.level;
	elements.model.textContent = meter.modelLabel;
	elements.label.textContent = describeUse(meter, used, strings);
	// The label already says when the window is unknown, so only a known window gets a source.
	const parts = meter.contextWindow ? [formatString(strings.meterSource, meter.windowSource)] : [];
	if (meter.conversationCostUsd !== undefined) {
		parts.push(formatString(strings.meterCost, formatCost(meter.conversationCostUsd)));
	}
	elements.source.textContent = parts.join(' · ');
	elements.estimated.hidden = meter.exact;
	elements.estimated.textContent = strings.estimated;

	// Without a known window the segments share the bar by their own total.
	const scale = contextWindow && contextWindow > 0 ? Math.max(contextWindow, total) : Math.max(total, 1);
	elements.bar.replaceChildren(...segmentNames.map((name) => createSegment(name, meter, scale, strings)));
	elements.bar.setAttribute('aria-valuemin', '0');
	elements.bar.setAttribute('aria-valuemax', String(contextWindow ?? total));
	elements.bar.setAttribute('aria-valuenow', String(Math.min(total, contextWindow ?? total)));
	elements.bar.setAttribute('aria-valuetext', elements.label.textContent);
	elements.bar.classList.toggle('unknown-window', !contextWindow);
}

function describeUse(meter: ContextMeter, used: number, strings: ChatStrings): string {
	if (!meter.contextWindow) {
		return formatString(
			strings.meterLabelNoWindow,
			formatCount(used),
			formatCount(meter.reservedTokens),
			meter.tokenizer,
		);
	}
	return formatString(
		strings.meterLabel,
		formatCount(used),
		formatCount(meter.reservedTokens),
		formatCount(meter.contextWindow),
		meter.tokenizer,
	);
}

function createSegment(name: SegmentName, meter: ContextMeter, scale: number, strings: ChatStrings): HTMLElement {
	const tokens = readSegmentTokens(name, meter);
	const segment = document.createElement('div');
	segment.className = `meter-segment meter-${name}`;
	segment.dataset.tokens = String(tokens);
	// The page's `style-src` allows setting the width through the CSSOM, but not through a style attribute.
	segment.style.width = `${(tokens / scale) * 100}%`;
	segment.title = `${readSegmentLabel(name, strings)}: ${formatCount(tokens)}`;
	return segment;
}

function readSegmentTokens(name: SegmentName, meter: ContextMeter): number {
	switch (name) {
		case 'system':
			return meter.systemTokens;
		case 'history':
			return meter.historyTokens;
		case 'input':
			return meter.inputTokens;
		case 'reserved':
			return meter.reservedTokens;
	}
}

function readSegmentLabel(name: SegmentName, strings: ChatStrings): string {
	switch (name) {
		case 'system':
			return strings.meterSystem;
		case 'history':
			return strings.meterHistory;
		case 'input':
			return strings.meterInput;
		case 'reserved':
			return strings.meterReserved;
	}
}
