/** Small helpers that build elements with DOM APIs, so no page text ever passes through `innerHTML`. */

export interface ElementOptions {
	className?: string;
	text?: string;
	attributes?: Record<string, string>;
}

/** Creates an element with a class, text content and attributes. */
export function element<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	options: ElementOptions = {},
	children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	if (options.className) {
		node.className = options.className;
	}
	if (options.text !== undefined) {
		node.textContent = options.text;
	}
	for (const [name, value] of Object.entries(options.attributes ?? {})) {
		node.setAttribute(name, value);
	}
	node.append(...children);
	return node;
}

/** Creates a `<button type="button">` that runs `onClick`. */
export function button(label: string, onClick: () => void, className = 'secondary'): HTMLButtonElement {
	const node = element('button', { className, text: label, attributes: { type: 'button' } });
	node.addEventListener('click', onClick);
	return node;
}

/** Creates a labelled field: the label text above (or, for a checkbox, beside) the control. */
export function field(label: string, control: HTMLElement, className = 'field'): HTMLLabelElement {
	const node = element('label', { className });
	const caption = element('span', { className: 'field-label', text: label });
	if (control instanceof HTMLInputElement && control.type === 'checkbox') {
		node.classList.add('checkbox');
		node.append(control, caption);
	} else {
		node.append(caption, control);
	}
	return node;
}

/** Creates a text input that calls `onInput` with its value on every edit. */
export function textInput(value: string, onInput: (value: string) => void, placeholder = ''): HTMLInputElement {
	const input = element('input', { attributes: { type: 'text', placeholder, spellcheck: 'false' } });
	input.value = value;
	input.addEventListener('input', () => onInput(input.value));
	return input;
}

/** Creates a textarea that calls `onInput` with its value on every edit. */
export function textArea(value: string, onInput: (value: string) => void, placeholder = '', rows = 3): HTMLTextAreaElement {
	const area = element('textarea', { attributes: { placeholder, rows: String(rows), spellcheck: 'false' } });
	area.value = value;
	area.addEventListener('input', () => onInput(area.value));
	return area;
}

/**
 * Creates a number input. `onInput` receives undefined for an empty box and is not called while the text is not a
 * number, such as a lone minus sign.
 */
export function numberInput(
	value: number | undefined,
	onInput: (value: number | undefined) => void,
	options: { min?: number; max?: number; step?: number | 'any'; placeholder?: string } = {},
): HTMLInputElement {
	const input = element('input', { attributes: { type: 'number', step: String(options.step ?? 'any') } });
	if (options.min !== undefined) {
		input.min = String(options.min);
	}
	if (options.max !== undefined) {
		input.max = String(options.max);
	}
	if (options.placeholder !== undefined) {
		input.placeholder = options.placeholder;
	}
	input.value = value === undefined ? '' : String(value);
	input.addEventListener('input', () => {
		if (input.value.trim() === '') {
			onInput(undefined);
		} else if (Number.isFinite(input.valueAsNumber)) {
			onInput(input.valueAsNumber);
		}
	});
	return input;
}

/** Creates a checkbox that calls `onChange` with its state. */
export function checkbox(checked: boolean, onChange: (checked: boolean) => void): HTMLInputElement {
	const input = element('input', { attributes: { type: 'checkbox' } });
	input.checked = checked;
	input.addEventListener('change', () => onChange(input.checked));
	return input;
}

/** Creates a `<select>` of `options` (value and label) with `value` selected. */
export function select(
	options: ReadonlyArray<{ value: string; label: string }>,
	value: string,
	onChange: (value: string) => void,
): HTMLSelectElement {
	const node = element('select');
	for (const option of options) {
		node.append(new Option(option.label, option.value, false, option.value === value));
	}
	node.value = value;
	node.addEventListener('change', () => onChange(node.value));
	return node;
}
