/** The LLM judge's prompt and the reading of its grade. */

import type { ChatMessage } from '../providers/types';
import type { ScoreInput } from './scorers';

/** Builds the judge request: the rubric and scale as the system prompt, the input, expected and actual output as the user message. */
export function judgeMessages(rubric: string, min: number, max: number, input: ScoreInput): ChatMessage[] {
	const system =
		`You grade the output of a language model against a rubric, on a scale from ${min} (worst) to ${max} (best).\n\n` +
		`Rubric:\n${rubric.trim()}\n\n` +
		`Reply with only a JSON object: {"score": <number from ${min} to ${max}>, "reason": "<one sentence>"}.`;
	const parts = [`Input:\n${input.input}`];
	if (input.expected !== undefined) {
		parts.push(`Expected output:\n${input.expected}`);
	}
	parts.push(`Output to grade:\n${input.output}`);
	return [
		{ role: 'system', content: system },
		{ role: 'user', content: parts.join('\n\n') },
	];
}

/**
 * Reads the grade from a judge's reply: the first JSON object with a numeric `score`, else a `score: N` phrase.
 * Returns undefined when neither is there or the score is outside the scale.
 */
export function readJudgeReply(text: string, min: number, max: number): { score: number; reason?: string } | undefined {
	const grade = readJsonGrade(text) ?? readPhraseGrade(text);
	if (!grade || !Number.isFinite(grade.score) || grade.score < min || grade.score > max) {
		return undefined;
	}
	return grade;
}

function readJsonGrade(text: string): { score: number; reason?: string } | undefined {
	for (const match of text.matchAll(/\{[^{}]*\}/g)) {
		try {
			const value = JSON.parse(match[0]) as { score?: unknown; reason?: unknown };
			const score = typeof value.score === 'string' ? Number(value.score) : value.score;
			if (typeof score === 'number') {
				return { score, reason: typeof value.reason === 'string' ? value.reason : undefined };
			}
		} catch {
			// Not JSON: try the next braces.
		}
	}
	return undefined;
}

function readPhraseGrade(text: string): { score: number } | undefined {
	const match = /score\W{0,3}\s*(-?\d+(?:\.\d+)?)/i.exec(text);
	return match ? { score: Number(match[1]) } : undefined;
}
