/**
 * Scorers: exact match, contains, regex, valid JSON (optionally against a JSON Schema, checked with Ajv), numeric
 * closeness and an LLM judge. Each returns a score from 0 to 1 and a pass verdict.
 */

import Ajv, { type ValidateFunction } from 'ajv';
import { CancelledError, CompareInputError } from '../errors';
import type { ChatMessage } from '../providers/types';
import { judgeMessages, readJudgeReply } from './judge';
import type { CallUsage, ScoreResult, ScorerSpec } from './types';

/** The parts of one call that scorers read. */
export interface ScoreInput {
	/** The last user message sent, for the judge. */
	input: string;
	output: string;
	expected?: string;
}

/**
 * Sends a judge request and returns the judge's reply text and usage. Supplied by the run; throws when the call failed
 * after its retries, and `CancelledError` when the run was stopped.
 */
export type JudgeCall = (model: string, messages: ChatMessage[], signal?: AbortSignal) => Promise<{ text: string; usage: CallUsage }>;

/** Returns a scorer's id: its `id`, else its type. */
export function scorerId(spec: ScorerSpec): string {
	return spec.id ?? spec.type;
}

/**
 * Checks scorer definitions before a run: unique ids, valid regular expressions and JSON Schemas, judge scales.
 * Throws `CompareInputError` naming the scorer.
 */
export function checkScorers(specs: readonly ScorerSpec[]): void {
	const seen = new Set<string>();
	for (const spec of specs) {
		const id = scorerId(spec);
		if (seen.has(id)) {
			throw new CompareInputError(`Two scorers have the id "${id}". Give each an "id" of its own.`);
		}
		seen.add(id);
		if (spec.type === 'regex') {
			compileRegex(spec.pattern, spec.flags, id);
		} else if (spec.type === 'json' && spec.schema !== undefined) {
			compileSchema(spec.schema, id);
		} else if (spec.type === 'judge' && (spec.min ?? 1) >= (spec.max ?? 5)) {
			throw new CompareInputError(`Judge scorer "${id}" has min ${spec.min} not below max ${spec.max}.`);
		}
	}
}

/**
 * Scores one output with every scorer that applies: those that compare with the expected output are left out for a
 * row that has none. The judge runs through `judge`, and its usage is kept on its result.
 */
export async function scoreOutput(
	specs: readonly ScorerSpec[],
	input: ScoreInput,
	judge?: JudgeCall,
	signal?: AbortSignal,
): Promise<ScoreResult[]> {
	const results: ScoreResult[] = [];
	for (const spec of specs) {
		const result = spec.type === 'judge' ? await scoreWithJudge(spec, input, judge, signal) : scoreLocally(spec, input);
		if (result) {
			results.push(result);
		}
	}
	return results;
}

/** Scores with one of the scorers that need no model. Returns undefined when the scorer does not apply. */
export function scoreLocally(spec: Exclude<ScorerSpec, { type: 'judge' }>, input: ScoreInput): ScoreResult | undefined {
	const scorer = scorerId(spec);
	switch (spec.type) {
		case 'exact': {
			if (input.expected === undefined) {
				return undefined;
			}
			const normalize = (text: string) => {
				const trimmed = spec.trim === false ? text : text.trim();
				return spec.caseSensitive === false ? trimmed.toLowerCase() : trimmed;
			};
			return verdict(scorer, normalize(input.output) === normalize(input.expected));
		}
		case 'contains': {
			const needle = spec.value ?? input.expected;
			if (needle === undefined) {
				return undefined;
			}
			const found =
				spec.caseSensitive === false
					? input.output.toLowerCase().includes(needle.toLowerCase())
					: input.output.includes(needle);
			return verdict(scorer, found);
		}
		case 'regex':
			return verdict(scorer, compileRegex(spec.pattern, spec.flags, scorer).test(input.output));
		case 'json':
			return scoreJson(scorer, spec.schema, input.output);
		case 'numeric':
			return scoreNumeric(scorer, spec.tolerance ?? 0, spec.relative === true, input);
	}
}

function verdict(scorer: string, pass: boolean, detail?: string): ScoreResult {
	return { scorer, score: pass ? 1 : 0, pass, ...(detail === undefined ? {} : { detail }) };
}

/** A Markdown code fence around the whole output, which models often add to JSON. */
const CODE_FENCE = /^```[\w-]*\s*\n([\s\S]*?)\n?```$/;

function scoreJson(scorer: string, schema: object | undefined, output: string): ScoreResult {
	const trimmed = output.trim();
	const text = CODE_FENCE.exec(trimmed)?.[1] ?? trimmed;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return verdict(scorer, false, `Not valid JSON: ${(error as Error).message}`);
	}
	if (schema === undefined) {
		return verdict(scorer, true);
	}
	const validate = compileSchema(schema, scorer);
	if (validate(value)) {
		return verdict(scorer, true);
	}
	const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
	return verdict(scorer, false, `Does not match the schema: ${problems.join('; ')}`);
}

/** A decimal number, with optional sign, thousands separators, fraction and exponent. */
const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?/;

/** Reads the first number in a text, or undefined when it has none. */
export function firstNumber(text: string): number | undefined {
	const match = NUMBER.exec(text);
	return match ? Number(match[0].replaceAll(',', '')) : undefined;
}

/**
 * Passes when the output's first number is within the tolerance of the expected number. The score falls linearly
 * with the relative error: 1 at no error, 0 at an error as large as the expected value.
 */
function scoreNumeric(scorer: string, tolerance: number, relative: boolean, input: ScoreInput): ScoreResult | undefined {
	const expected = input.expected === undefined ? undefined : firstNumber(input.expected);
	if (expected === undefined) {
		return undefined;
	}
	const actual = firstNumber(input.output);
	if (actual === undefined) {
		return verdict(scorer, false, 'The output contains no number.');
	}
	const difference = Math.abs(actual - expected);
	const allowed = relative ? tolerance * Math.abs(expected) : tolerance;
	const pass = difference <= allowed;
	const relativeError = expected === 0 ? difference : difference / Math.abs(expected);
	return { scorer, score: pass ? 1 : Math.max(0, 1 - relativeError), pass, detail: `${actual} against ${expected}` };
}

async function scoreWithJudge(
	spec: Extract<ScorerSpec, { type: 'judge' }>,
	input: ScoreInput,
	judge: JudgeCall | undefined,
	signal: AbortSignal | undefined,
): Promise<ScoreResult> {
	const scorer = scorerId(spec);
	if (!judge) {
		throw new CompareInputError(`Judge scorer "${scorer}" needs a judge model, but the run has no way to call one.`);
	}
	const min = spec.min ?? 1;
	const max = spec.max ?? 5;
	let reply: Awaited<ReturnType<JudgeCall>>;
	try {
		reply = await judge(spec.model, judgeMessages(spec.rubric, min, max, input), signal);
	} catch (error) {
		if (error instanceof CancelledError) {
			throw error;
		}
		return { scorer, score: 0, pass: false, error: `The judge call failed: ${(error as Error).message}` };
	}
	const grade = readJudgeReply(reply.text, min, max);
	if (grade === undefined) {
		return { scorer, score: 0, pass: false, detail: `The judge's reply contains no score: ${reply.text.slice(0, 200)}`, judgeUsage: reply.usage };
	}
	const score = (grade.score - min) / (max - min);
	const passScore = spec.passScore ?? max;
	return {
		scorer,
		score,
		pass: grade.score >= passScore,
		detail: `${grade.score} of ${max}${grade.reason ? `: ${grade.reason}` : ''}`,
		judgeUsage: reply.usage,
	};
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiledSchemas = new WeakMap<object, ValidateFunction>();

function compileSchema(schema: object, scorer: string): ValidateFunction {
	const cached = compiledSchemas.get(schema);
	if (cached) {
		return cached;
	}
	let validate: ValidateFunction;
	try {
		validate = ajv.compile(schema);
	} catch (error) {
		throw new CompareInputError(`The JSON Schema of scorer "${scorer}" is invalid: ${(error as Error).message}`);
	}
	compiledSchemas.set(schema, validate);
	return validate;
}

function compileRegex(pattern: string, flags: string | undefined, scorer: string): RegExp {
	try {
		// Without the `g` and `y` flags, `test` keeps no state between outputs.
		return new RegExp(pattern, (flags ?? '').replace(/[gy]/g, ''));
	} catch (error) {
		throw new CompareInputError(`The pattern of regex scorer "${scorer}" is invalid: ${(error as Error).message}`);
	}
}
