/** The variants part of the form: one card per variant with its model, prompt, examples and parameters. */

import { button, checkbox, element, field, numberInput, select, textArea, textInput } from './dom';
import { modelSelect } from './modelSelect';
import type { ComparisonDraft, FewShotExample, ModelChoice, Variant, VariantParameters } from './protocol';
import { type CompareStrings, formatString } from './strings';
import type { CompareHostApi } from './vscodeApi';

/** Maximum number of stop sequences that OpenAI's API accepts. */
const MAX_STOP_SEQUENCES = 4;

export class VariantsForm {
	private draft: ComparisonDraft = { variants: [], scorers: [] };
	private models: ModelChoice[] = [];
	/** Usable examples in each variant's chosen fine-tuning file, as the host counted them. */
	private readonly available = new Map<string, number>();

	/** `onChange` runs after every edit; the form changes the draft object in place. */
	constructor(
		private readonly container: HTMLElement,
		private readonly strings: CompareStrings,
		private readonly api: CompareHostApi,
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

	/** Sets the fine-tuning file a variant takes examples from, after the user chose it in the host's picker. */
	setFewShotFile(variantId: string, file: string, available: number): void {
		const variant = this.draft.variants.find((entry) => entry.id === variantId);
		if (!variant) {
			return;
		}
		this.available.set(variantId, available);
		variant.examplesFrom = {
			file,
			count: Math.min(variant.examplesFrom?.count ?? 5, available),
			pick: variant.examplesFrom?.pick ?? 'first',
			...(variant.examplesFrom?.seed !== undefined ? { seed: variant.examplesFrom.seed } : {}),
		};
		this.changed(true);
	}

	/** Adds a variant with a free id and the first variant's model and parameters. */
	addVariant(): void {
		const id = this.freeId();
		const first = this.draft.variants[0];
		this.draft.variants.push({
			id,
			label: id.toUpperCase(),
			model: first?.model ?? '',
			...(first?.parameters ? { parameters: structuredClone(first.parameters) } : {}),
		});
		this.changed(true);
	}

	private render(): void {
		this.container.replaceChildren(...this.draft.variants.map((variant, index) => this.renderVariant(variant, index)));
	}

	private changed(rerender = false): void {
		if (rerender) {
			this.render();
		}
		this.onChange();
	}

	private renderVariant(variant: Variant, index: number): HTMLElement {
		const { strings } = this;
		const card = element('fieldset', { className: 'variant', attributes: { 'data-variant-id': variant.id } });
		const legend = element('legend', { text: variant.label || variant.id });
		const head = element('div', { className: 'variant-head' }, [
			field(
				strings.label,
				textInput(variant.label, (value) => {
					variant.label = value;
					legend.textContent = value || variant.id;
					this.changed();
				}),
			),
			field(
				strings.variantId,
				textInput(variant.id, (value) => {
					const id = value.trim();
					if (id !== '' && !this.draft.variants.some((other) => other !== variant && other.id === id)) {
						variant.id = id;
						card.dataset.variantId = id;
						this.changed();
					}
				}),
				'field narrow',
			),
			field(
				strings.model,
				modelSelect(
					this.models,
					variant.model,
					(model) => {
						variant.model = model;
						this.changed();
					},
					strings,
				),
				'field wide',
			),
			button(strings.duplicate, () => {
				const copy = structuredClone(variant);
				copy.id = this.freeId();
				copy.label = formatString(strings.copyOf, variant.label || variant.id);
				this.draft.variants.splice(index + 1, 0, copy);
				this.changed(true);
			}),
			button(strings.remove, () => {
				this.draft.variants.splice(index, 1);
				this.changed(true);
			}),
		]);
		const prompt = element('div', { className: 'variant-prompt' }, [
			field(
				strings.systemPrompt,
				textArea(variant.system ?? '', (value) => {
					variant.system = value === '' ? undefined : value;
					this.changed();
				}),
			),
			field(
				strings.template,
				textArea(
					variant.template ?? '',
					(value) => {
						variant.template = value === '' ? undefined : value;
						this.changed();
					},
					strings.templatePlaceholder,
				),
			),
		]);
		card.append(legend, head, prompt, this.renderExamples(variant), this.renderParameters(variant));
		return card;
	}

	private renderExamples(variant: Variant): HTMLElement {
		const { strings } = this;
		const examples = variant.examples ?? [];
		const fromFile = variant.examplesFrom ? variant.examplesFrom.count : 0;
		const section = element('details', { className: 'examples' });
		section.open = examples.length > 0 || variant.examplesFrom !== undefined;
		section.append(element('summary', { text: formatString(strings.examplesSummary, examples.length, fromFile) }));
		examples.forEach((example, index) => section.append(this.renderExample(variant, example, index)));
		section.append(
			element('div', { className: 'row-actions' }, [
				button(strings.addExample, () => {
					variant.examples = [
						...examples,
						{
							messages: [
								{ role: 'user', content: '' },
								{ role: 'assistant', content: '' },
							],
						},
					];
					this.changed(true);
				}),
			]),
			this.renderFewShotFile(variant),
		);
		return section;
	}

	private renderExample(variant: Variant, example: FewShotExample, index: number): HTMLElement {
		const { strings } = this;
		const remove = button(strings.remove, () => {
			variant.examples?.splice(index, 1);
			this.changed(true);
		});
		const [user, assistant] = example.messages;
		const isPair = example.messages.length === 2 && user.role === 'user' && assistant.role === 'assistant';
		if (!isPair) {
			// Conversations of other shapes come from loaded files; the form keeps them as they are.
			const text = formatString(strings.conversationExample, example.messages.length);
			return element('div', { className: 'example' }, [element('span', { className: 'muted', text }), remove]);
		}
		return element('div', { className: 'example' }, [
			field(
				strings.exampleUser,
				textArea(user.content, (value) => {
					user.content = value;
					this.changed();
				}),
			),
			field(
				strings.exampleAssistant,
				textArea(assistant.content, (value) => {
					assistant.content = value;
					this.changed();
				}),
			),
			remove,
		]);
	}

	private renderFewShotFile(variant: Variant): HTMLElement {
		const { strings } = this;
		const box = element('div', { className: 'few-shot-file' });
		const choose = button(variant.examplesFrom ? strings.chooseOtherFile : strings.chooseFewShotFile, () =>
			this.api.postMessage({ type: 'fewShot/choose', variantId: variant.id }),
		);
		const source = variant.examplesFrom;
		if (!source) {
			box.append(element('span', { className: 'muted', text: strings.fewShotFileHint }), choose);
			return box;
		}
		const available = this.available.get(variant.id);
		const seed = field(
			strings.seed,
			numberInput(
				source.seed,
				(value) => {
					source.seed = value === undefined ? undefined : Math.trunc(value);
					this.changed();
				},
				{ step: 1 },
			),
			'field narrow',
		);
		seed.hidden = source.pick !== 'random';
		box.append(
			element('span', { className: 'few-shot-path', text: source.file }),
			field(
				available === undefined ? strings.count : formatString(strings.countOf, available),
				numberInput(
					source.count,
					(value) => {
						source.count = Math.max(0, Math.trunc(value ?? 0));
						this.changed();
					},
					{ min: 0, step: 1, ...(available !== undefined ? { max: available } : {}) },
				),
				'field narrow',
			),
			field(
				strings.pick,
				select(
					[
						{ value: 'first', label: strings.pickFirst },
						{ value: 'random', label: strings.pickRandom },
					],
					source.pick,
					(value) => {
						source.pick = value === 'random' ? 'random' : 'first';
						seed.hidden = source.pick !== 'random';
						this.changed();
					},
				),
			),
			seed,
			choose,
			button(strings.remove, () => {
				variant.examplesFrom = undefined;
				this.changed(true);
			}),
		);
		return box;
	}

	private renderParameters(variant: Variant): HTMLElement {
		const { strings } = this;
		const parameters: VariantParameters = (variant.parameters ??= {});
		const set = <K extends keyof VariantParameters>(key: K, value: VariantParameters[K] | undefined) => {
			if (value === undefined) {
				delete parameters[key];
			} else {
				parameters[key] = value;
			}
			this.changed();
		};
		const section = element('details', { className: 'parameters' });
		section.open = Object.keys(parameters).length > 0 || variant.price !== undefined;
		section.append(
			element('summary', { text: strings.parameters }),
			element('div', { className: 'parameter-grid' }, [
				field(strings.temperature, numberInput(parameters.temperature, (value) => set('temperature', value), { min: 0, max: 2 })),
				field(strings.topP, numberInput(parameters.topP, (value) => set('topP', value), { min: 0, max: 1 })),
				field(
					strings.maxTokens,
					numberInput(parameters.maxTokens, (value) => set('maxTokens', value === undefined ? undefined : Math.max(1, Math.trunc(value))), {
						min: 1,
						step: 1,
					}),
				),
				field(strings.seed, numberInput(parameters.seed, (value) => set('seed', value === undefined ? undefined : Math.trunc(value)), { step: 1 })),
				field(
					strings.stopSequences,
					textArea(
						(parameters.stop ?? []).join('\n'),
						(value) => {
							const stop = value.split('\n').filter((line) => line !== '').slice(0, MAX_STOP_SEQUENCES);
							set('stop', stop.length > 0 ? stop : undefined);
						},
						strings.stopPlaceholder,
						2,
					),
				),
				field(strings.logprobs, checkbox(parameters.logprobs === true, (checked) => set('logprobs', checked ? true : undefined))),
				field(strings.inputPrice, this.priceInput(variant, 'inputPerMillion')),
				field(strings.outputPrice, this.priceInput(variant, 'outputPerMillion')),
			]),
		);
		return section;
	}

	/** Creates a price box. The variant's price is set only while both of its boxes contain a number. */
	private priceInput(variant: Variant, key: 'inputPerMillion' | 'outputPerMillion'): HTMLInputElement {
		const listed = this.models.find((model) => model.id === variant.model)?.price;
		const input = numberInput(
			variant.price?.[key],
			(value) => {
				const other = key === 'inputPerMillion' ? 'outputPerMillion' : 'inputPerMillion';
				const otherBox = input.closest('.parameter-grid')?.querySelector<HTMLInputElement>(`input[data-price="${other}"]`);
				const otherValue = otherBox && otherBox.value !== '' ? otherBox.valueAsNumber : undefined;
				if (value === undefined || otherValue === undefined || !Number.isFinite(otherValue)) {
					variant.price = undefined;
				} else {
					variant.price = key === 'inputPerMillion'
						? { inputPerMillion: value, outputPerMillion: otherValue }
						: { inputPerMillion: otherValue, outputPerMillion: value };
				}
				this.changed();
			},
			{ min: 0, placeholder: listed ? String(listed[key]) : this.strings.priceUnknown },
		);
		input.dataset.price = key;
		return input;
	}

	private freeId(): string {
		const used = new Set(this.draft.variants.map((variant) => variant.id));
		for (let code = 'a'.charCodeAt(0); code <= 'z'.charCodeAt(0); code++) {
			const id = String.fromCharCode(code);
			if (!used.has(id)) {
				return id;
			}
		}
		let number = this.draft.variants.length + 1;
		while (used.has(`v${number}`)) {
			number++;
		}
		return `v${number}`;
	}
}
