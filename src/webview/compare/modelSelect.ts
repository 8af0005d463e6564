/** The model picker of variants and judge scorers: the registry's chat models, grouped by provider. */

import { element } from './dom';
import type { ModelChoice } from './protocol';
import type { CompareStrings } from './strings';

/**
 * Creates a `<select>` of `models` with `value` selected. A value the registry does not list, such as a model from a
 * loaded variants file, stays selectable and is marked as not listed.
 */
export function modelSelect(
	models: readonly ModelChoice[],
	value: string,
	onChange: (modelId: string) => void,
	strings: CompareStrings,
): HTMLSelectElement {
	const node = element('select', { className: 'model-select' });
	if (value === '') {
		node.append(new Option(strings.chooseModel, '', true, true));
	} else if (!models.some((model) => model.id === value)) {
		node.append(new Option(`${value} ${strings.notListed}`, value, true, true));
	}
	const groups = new Map<string, HTMLOptGroupElement>();
	for (const model of models) {
		let group = groups.get(model.providerName);
		if (!group) {
			group = element('optgroup', { attributes: { label: model.providerName } });
			groups.set(model.providerName, group);
			node.append(group);
		}
		group.append(new Option(model.name, model.id, false, model.id === value));
	}
	node.value = value;
	node.addEventListener('change', () => onChange(node.value));
	return node;
}
