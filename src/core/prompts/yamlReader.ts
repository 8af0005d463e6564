/**
 * Reading YAML nodes into typed values with positioned diagnostics: each wrong type, unknown key or out-of-range
 * number becomes a diagnostic on the node that contains it, and reading goes on with the next key.
 */

import { isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { Diagnostic, QuickFix } from '../compare/jsonl';
import { editDistance } from '../compare/finetune';
import type { DiagnosticRange, LineIndex } from './positions';

/** A YAML node, or null for a key written without a value. */
export type ValueNode = Node | null;

/** One key of a mapping with its nodes. */
export interface MapEntry {
	key: string;
	keyNode: Scalar;
	value: ValueNode;
}

/** Reads nodes of one YAML text that starts at `base` in the file. */
export class YamlReader {
	readonly diagnostics: Diagnostic[] = [];

	constructor(
		private readonly base: number,
		private readonly index: LineIndex,
	) {}

	/** Returns the file offsets of a node's value, without trailing comments. */
	offsets(node: Node): { start: number; end: number } {
		const [start, end] = node.range ?? [0, 0];
		return { start: this.base + start, end: this.base + end };
	}

	rangeOf(node: Node): DiagnosticRange {
		const { start, end } = this.offsets(node);
		return this.index.range(start, end);
	}

	report(
		node: Node,
		code: string,
		message: string,
		severity: Diagnostic['severity'] = 'error',
		fix?: QuickFix,
	): void {
		const { start, end } = this.offsets(node);
		this.diagnostics.push({ ...this.index.range(start, end), severity, code, message, fix });
	}

	/** Builds a fix that replaces the text of a single-line node with `newText`. */
	replacement(node: Node, title: string, newText: string): QuickFix | undefined {
		const { start, end } = this.offsets(node);
		const range = this.index.range(start, end);
		if (range.line !== range.endLine) {
			return undefined;
		}
		return { title, line: range.line, column: range.column, endColumn: range.endColumn, newText };
	}

	/**
	 * Builds a fix that replaces the characters from `start` to `end` of a single-line scalar's value with `newText`.
	 * Offsets count from the value's first character, inside its quotes; escapes in a quoted value are not accounted for.
	 */
	editInScalar(node: Scalar, title: string, start: number, end: number, newText: string): QuickFix | undefined {
		if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) {
			return undefined;
		}
		const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
		const valueStart = this.offsets(node).start + (quoted ? 1 : 0);
		const from = this.index.position(valueStart + start);
		const to = this.index.position(valueStart + end);
		if (from.line !== to.line) {
			return undefined;
		}
		return { title, line: from.line, column: from.column, endColumn: to.column, newText };
	}

	/**
	 * Returns the entries of a mapping. Reports a value that is not a mapping, keys that are not strings and keys not in
	 * `known`, with the closest known key as a fix.
	 */
	entries(node: ValueNode, where: string, known: readonly string[], owner: Node): MapEntry[] {
		if (node === null || (isScalar(node) && node.value === null)) {
			return [];
		}
		if (!isMap(node)) {
			this.report(
				node,
				'invalid-type',
				`${where} must be a mapping of keys to values, not ${describeNode(node)}.`,
			);
			return [];
		}
		const entries: MapEntry[] = [];
		for (const pair of node.items) {
			const keyNode = pair.key as Node | null;
			if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
				this.report((keyNode ?? owner) as Node, 'invalid-key', `The keys of ${where} must be plain names.`);
				continue;
			}
			const key = keyNode.value;
			if (!known.includes(key)) {
				this.reportUnknownKey(keyNode, key, where, known);
				continue;
			}
			entries.push({ key, keyNode, value: pair.value as ValueNode });
		}
		return entries;
	}

	private reportUnknownKey(keyNode: Scalar, key: string, where: string, known: readonly string[]): void {
		const suggestion = closestKey(key, known);
		const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
		const fix = suggestion ? this.replacement(keyNode, `Change the key to "${suggestion}"`, suggestion) : undefined;
		this.report(
			keyNode,
			'unknown-key',
			`Unknown key "${key}" in ${where}.${hint} Known keys: ${known.join(', ')}.`,
			'error',
			fix,
		);
	}

	string(entry: MapEntry, where: string): string | undefined {
		const value = scalarValue(entry.value);
		if (typeof value === 'string') {
			return value;
		}
		this.report(
			entry.value ?? entry.keyNode,
			'invalid-type',
			`${where} must be a string, not ${describeNode(entry.value)}.`,
		);
		return undefined;
	}

	boolean(entry: MapEntry, where: string): boolean | undefined {
		const value = scalarValue(entry.value);
		if (typeof value === 'boolean') {
			return value;
		}
		this.report(
			entry.value ?? entry.keyNode,
			'invalid-type',
			`${where} must be true or false, not ${describeNode(entry.value)}.`,
		);
		return undefined;
	}

	/** Reads a number, checking that it is an integer when `integer` is set and within `min` and `max`. */
	number(
		entry: MapEntry,
		where: string,
		limits: { integer?: boolean; min?: number; max?: number } = {},
	): number | undefined {
		const value = scalarValue(entry.value);
		const kind = limits.integer ? 'an integer' : 'a number';
		const bounds = describeBounds(limits.min, limits.max);
		if (typeof value !== 'number' || !Number.isFinite(value) || (limits.integer && !Number.isInteger(value))) {
			this.report(
				entry.value ?? entry.keyNode,
				'invalid-type',
				`${where} must be ${kind}${bounds}, not ${describeNode(entry.value)}.`,
			);
			return undefined;
		}
		if ((limits.min !== undefined && value < limits.min) || (limits.max !== undefined && value > limits.max)) {
			this.report(
				entry.value ?? entry.keyNode,
				'invalid-value',
				`${where} must be ${kind}${bounds}, not ${value}.`,
			);
			return undefined;
		}
		return value;
	}

	/** Reads one of `allowed` strings. */
	choice<T extends string>(entry: MapEntry, where: string, allowed: readonly T[]): T | undefined {
		const value = scalarValue(entry.value);
		if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
			return value as T;
		}
		const options = allowed.map((option) => `"${option}"`).join(' or ');
		this.report(
			entry.value ?? entry.keyNode,
			'invalid-value',
			`${where} must be ${options}, not ${describeNode(entry.value)}.`,
		);
		return undefined;
	}

	/** Reads a string or a list of strings, with at most `maxItems` items. */
	stringList(entry: MapEntry, where: string, maxItems: number): string[] | undefined {
		const single = scalarValue(entry.value);
		if (typeof single === 'string') {
			return [single];
		}
		const node = entry.value;
		const items = isSeq(node) ? (node.items as ValueNode[]) : undefined;
		const strings = items
			?.map((item) => scalarValue(item))
			.filter((item): item is string => typeof item === 'string');
		if (!node || !items || !strings || strings.length !== items.length) {
			this.report(
				node ?? entry.keyNode,
				'invalid-type',
				`${where} must be a string or a list of strings, not ${describeNode(node)}.`,
			);
			return undefined;
		}
		if (strings.length > maxItems) {
			this.report(node, 'invalid-value', `${where} may list at most ${maxItems} strings, not ${strings.length}.`);
			return undefined;
		}
		return strings;
	}
}

/** Returns the value of a scalar node; undefined for collections, aliases and a missing value. */
export function scalarValue(node: ValueNode): unknown {
	return isScalar(node) ? node.value : undefined;
}

/** Describes a node's value for a message: `"hot"`, `3`, `a list`, `a mapping` or `nothing`. */
export function describeNode(node: ValueNode): string {
	if (node === null) {
		return 'nothing';
	}
	if (isMap(node)) {
		return 'a mapping';
	}
	if (isSeq(node)) {
		return 'a list';
	}
	if (!isScalar(node)) {
		return 'an alias';
	}
	if (node.value === null || node.value === undefined) {
		return 'nothing';
	}
	return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
}

function describeBounds(min: number | undefined, max: number | undefined): string {
	if (min !== undefined && max !== undefined) {
		return ` from ${min} to ${max}`;
	}
	if (min !== undefined) {
		return ` of at least ${min}`;
	}
	return max !== undefined ? ` of at most ${max}` : '';
}

/**
 * Returns the known key that `key` most likely means: the same letters ignoring case, `_` and `-` (so `max_tokens`
 * means `maxTokens`), or the only one within two edits.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
	const normalize = (name: string) => name.toLowerCase().replace(/[_-]/g, '');
	const target = normalize(key);
	const same = known.find((candidate) => normalize(candidate) === target);
	if (same) {
		return same;
	}
	const close = known.filter((candidate) => editDistance(target, normalize(candidate)) <= 2);
	return close.length === 1 ? close[0] : undefined;
}
