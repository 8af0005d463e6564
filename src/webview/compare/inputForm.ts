/** The single-input boxes, one per template variable, and the dataset summary. */

import { element, field, textArea } from './dom';
import type { ComparisonDraft, DatasetView } from './protocol';
import { type CompareStrings, formatString } from './strings';

/**
 * `{{name}}` with optional spaces inside the braces, as the core's templates read it (`core/compare/template.ts`).
 * Names are letters, digits, `_`, `-` and `.`.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** The template of a variant that sets none. */
const DEFAULT_TEMPLATE = '{{input}}';

/** Returns the distinct variables that the draft's system prompts and templates use, in order of first use. */
export function draftVariables(draft: ComparisonDraft): string[] {
	const names = new Set<string>();
	for (const variant of draft.variants) {
		for (const text of [variant.system ?? '', variant.template ?? DEFAULT_TEMPLATE]) {
			for (const match of text.matchAll(PLACEHOLDER)) {
				names.add(match[1]);
			}
		}
	}
	return [...names];
}

export class InputForm {
	private input: Record<string, string> = {};
	private variables: string[] = [];

	/** `onChange` receives the whole input after every edit. */
	constructor(
		private readonly container: HTMLElement,
		private readonly strings: CompareStrings,
		private readonly onChange: (input: Record<string, string>) => void,
	) {}

	setInput(input: Record<string, string>): void {
		this.input = { ...input };
		this.render();
	}

	/** Shows a box per variable of the draft. Values of variables no longer used are kept, in case they come back. */
	setDraft(draft: ComparisonDraft): void {
		const variables = draftVariables(draft).filter((name) => name !== 'expected');
		if (variables.join('\n') !== this.variables.join('\n')) {
			this.variables = variables;
			this.render();
		}
	}

	private render(): void {
		const boxes = this.variables.map((name) =>
			field(
				formatString(this.strings.variable, name),
				this.box(name, 4, this.strings.variablePlaceholder),
				'field wide',
			),
		);
		const expected = field(this.strings.expectedOutput, this.box('expected', 2, this.strings.expectedPlaceholder), 'field wide');
		this.container.replaceChildren(...boxes, expected);
	}

	private box(name: string, rows: number, placeholder: string): HTMLTextAreaElement {
		const area = textArea(
			this.input[name] ?? '',
			(value) => {
				this.input[name] = value;
				this.onChange({ ...this.input });
			},
			placeholder,
			rows,
		);
		area.dataset.variable = name;
		return area;
	}
}

/** Shows the chosen dataset: its rows, columns and problems, and the variables the draft needs that it lacks. */
export function renderDataset(container: HTMLElement, dataset: DatasetView | undefined, draft: ComparisonDraft, strings: CompareStrings): void {
	if (!dataset) {
		container.replaceChildren(element('p', { className: 'muted', text: strings.noDataset }));
		return;
	}
	const lines: HTMLElement[] = [
		element('p', { className: 'dataset-name', text: dataset.label }),
		element('p', {
			text: formatString(
				dataset.hasExpected ? strings.datasetRowsWithExpected : strings.datasetRows,
				dataset.rows,
				dataset.columns.join(', ') || strings.none,
			),
		}),
	];
	if (dataset.invalidRows > 0) {
		lines.push(
			element('p', {
				className: 'field-problem',
				text: formatString(strings.datasetInvalid, dataset.invalidRows, dataset.firstProblem ?? ''),
			}),
		);
	}
	const columns = new Set(dataset.columns);
	const missing = draftVariables(draft).filter((name) => !columns.has(name));
	if (missing.length > 0) {
		lines.push(element('p', { className: 'field-problem', text: formatString(strings.datasetMissingColumns, missing.join(', ')) }));
	}
	container.replaceChildren(...lines);
}
