/** The scorers part of the form: one row per scorer with the fields of its type. */

import { button, checkbox, element, field, numberInput, textArea, textInput } from './dom';
import { modelSelect } from './modelSelect';
import type { ComparisonDraft, ModelChoice, ScorerSpec, ScorerType } from './protocol';
import { type CompareStrings, formatString } from './strings';

export class ScorersForm {
	private draft: ComparisonDraft = { variants: [], scorers: [] };
	private models: ModelChoice[] = [];

	/** `onChange` runs after every edit; the form changes the draft object in place. */
	constructor(
		private readonly container: HTMLElement,
		private readonly strings: CompareStrings,
		private readonly onChange: () => void,
	) {}

	setDraft(draft: ComparisonDraft): void {
		this.draft = draft;
		this.render();
	}

	setModels(models: ModelChoice[]): void {
		this.models = models;
		this.render();
	}

	/** Adds a scorer of `type` with its defaults; a judge starts with the first variant's model. */
	addScorer(type: ScorerType): void {
		const id = this.freeId(type);
		const scorer: ScorerSpec =
			type === 'regex'
				? { type, id, pattern: '' }
				: type === 'judge'
					? { type, id, model: this.draft.variants[0]?.model ?? '', rubric: this.strings.defaultRubric }
					: { type, id };
		this.draft.scorers.push(scorer);
		this.render();
		this.onChange();
	}

	private render(): void {
		if (this.draft.scorers.length === 0) {
			this.container.replaceChildren(element('p', { className: 'muted', text: this.strings.noScorers }));
			return;
		}
		this.container.replaceChildren(...this.draft.scorers.map((scorer, index) => this.renderScorer(scorer, index)));
	}

	private renderScorer(scorer: ScorerSpec, index: number): HTMLElement {
		const { strings } = this;
		const changed = () => this.onChange();
		const row = element('div', { className: 'scorer', attributes: { 'data-scorer-type': scorer.type } });
		row.append(
			element('span', { className: 'scorer-type', text: strings.scorerTypes[scorer.type] }),
			field(
				strings.scorerId,
				textInput(scorer.id ?? '', (value) => {
					scorer.id = value.trim() === '' ? undefined : value.trim();
					changed();
				}, scorer.type),
				'field narrow',
			),
			...this.typeFields(scorer, changed),
			button(strings.remove, () => {
				this.draft.scorers.splice(index, 1);
				this.render();
				changed();
			}),
		);
		return row;
	}

	private typeFields(scorer: ScorerSpec, changed: () => void): HTMLElement[] {
		const { strings } = this;
		switch (scorer.type) {
			case 'exact':
				return [
					field(strings.caseSensitive, checkbox(scorer.caseSensitive !== false, (value) => {
						scorer.caseSensitive = value ? undefined : false;
						changed();
					})),
					field(strings.trim, checkbox(scorer.trim !== false, (value) => {
						scorer.trim = value ? undefined : false;
						changed();
					})),
				];
			case 'contains':
				return [
					field(strings.containsValue, textInput(scorer.value ?? '', (value) => {
						scorer.value = value === '' ? undefined : value;
						changed();
					}, strings.containsPlaceholder), 'field wide'),
					field(strings.caseSensitive, checkbox(scorer.caseSensitive !== false, (value) => {
						scorer.caseSensitive = value ? undefined : false;
						changed();
					})),
				];
			case 'regex':
				return [
					field(strings.pattern, textInput(scorer.pattern, (value) => {
						scorer.pattern = value;
						changed();
					}), 'field wide'),
					field(strings.flags, textInput(scorer.flags ?? '', (value) => {
						scorer.flags = value === '' ? undefined : value;
						changed();
					}, 'i'), 'field narrow'),
				];
			case 'json':
				return [this.schemaField(scorer, changed)];
			case 'numeric':
				return [
					field(strings.tolerance, numberInput(scorer.tolerance, (value) => {
						scorer.tolerance = value;
						changed();
					}, { min: 0, placeholder: '0' }), 'field narrow'),
					field(strings.relative, checkbox(scorer.relative === true, (value) => {
						scorer.relative = value ? true : undefined;
						changed();
					})),
				];
			case 'judge':
				return this.judgeFields(scorer, changed);
		}
	}

	/** Creates the JSON Schema box. The scorer keeps its last valid schema while the text does not parse. */
	private schemaField(scorer: Extract<ScorerSpec, { type: 'json' }>, changed: () => void): HTMLElement {
		const { strings } = this;
		const problem = element('span', { className: 'field-problem', attributes: { role: 'status' } });
		const area = textArea(scorer.schema ? JSON.stringify(scorer.schema, null, 2) : '', (value) => {
			problem.textContent = '';
			area.removeAttribute('aria-invalid');
			if (value.trim() === '') {
				scorer.schema = undefined;
				changed();
				return;
			}
			try {
				const parsed: unknown = JSON.parse(value);
				if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
					throw new Error(strings.schemaNotObject);
				}
				scorer.schema = parsed;
				changed();
			} catch (error) {
				area.setAttribute('aria-invalid', 'true');
				problem.textContent = formatString(strings.invalidSchema, (error as Error).message);
			}
		}, strings.schemaPlaceholder, 3);
		const box = field(strings.schema, area, 'field wide');
		box.append(problem);
		return box;
	}

	private judgeFields(scorer: Extract<ScorerSpec, { type: 'judge' }>, changed: () => void): HTMLElement[] {
		const { strings } = this;
		return [
			field(strings.judgeModel, modelSelect(this.models, scorer.model, (value) => {
				scorer.model = value;
				changed();
			}, strings), 'field wide'),
			field(strings.rubric, textArea(scorer.rubric, (value) => {
				scorer.rubric = value;
				changed();
			}, '', 3), 'field wide'),
			field(strings.judgeMin, numberInput(scorer.min, (value) => {
				scorer.min = value;
				changed();
			}, { placeholder: '1' }), 'field narrow'),
			field(strings.judgeMax, numberInput(scorer.max, (value) => {
				scorer.max = value;
				changed();
			}, { placeholder: '5' }), 'field narrow'),
			field(strings.passScore, numberInput(scorer.passScore, (value) => {
				scorer.passScore = value;
				changed();
			}, { placeholder: strings.passScorePlaceholder }), 'field narrow'),
		];
	}

	private freeId(type: ScorerType): string {
		const used = new Set(this.draft.scorers.map((scorer) => scorer.id ?? scorer.type));
		if (!used.has(type)) {
			return type;
		}
		let number = 2;
		while (used.has(`${type}-${number}`)) {
			number++;
		}
		return `${type}-${number}`;
	}
}

/** Options of the "add scorer" picker, in the order shown. */
export function scorerTypeOptions(strings: CompareStrings): Array<{ value: ScorerType; label: string }> {
	const types: ScorerType[] = ['exact', 'contains', 'regex', 'json', 'numeric', 'judge'];
	return types.map((type) => ({ value: type, label: strings.scorerTypes[type] }));
}

