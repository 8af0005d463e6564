/**
 * Per-model chat framing learned from the servers' own prompt counts. A chat template adds role markers and
 * separators that the message texts do not contain, and their size differs by model (OpenAI's chat format adds 3
 * tokens per message; Llama 3's template adds about 5). After each reply, the server's prompt count minus our count of
 * the message texts gives the framing of that request.
 */

import { chatFramingTokens } from './framing';

interface Sample {
	/** Framing tokens per message, averaged over the requests seen. */
	perMessage: number;
	requests: number;
}

/** Framing below zero means the server counted less than the texts: a truncated prompt, so it is not learned. */
export class FramingCalibration {
	private readonly samples = new Map<string, Sample>();

	/** Learns from one request: its message count, our count of the texts, and the server's prompt count. */
	record(modelId: string, messageCount: number, contentTokens: number, reportedPromptTokens: number): void {
		const framing = reportedPromptTokens - contentTokens;
		if (messageCount <= 0 || framing < 0) {
			return;
		}
		const perMessage = framing / messageCount;
		const sample = this.samples.get(modelId);
		if (!sample) {
			this.samples.set(modelId, { perMessage, requests: 1 });
			return;
		}
		sample.perMessage = (sample.perMessage * sample.requests + perMessage) / (sample.requests + 1);
		sample.requests++;
	}

	/** Returns the framing of a request with `messageCount` messages: learned for this model, else OpenAI's. */
	framingFor(modelId: string, messageCount: number): number {
		const sample = this.samples.get(modelId);
		return sample ? Math.ceil(sample.perMessage * messageCount) : chatFramingTokens(messageCount);
	}

	/** Reports whether the model's framing was learned from its server rather than assumed. */
	isCalibrated(modelId: string): boolean {
		return this.samples.has(modelId);
	}

	/** Returns the learned figures, for storage between sessions. */
	toJSON(): Record<string, Sample> {
		return Object.fromEntries(this.samples);
	}

	/** Restores figures saved by `toJSON`, skipping malformed entries. */
	static fromJSON(value: unknown): FramingCalibration {
		const calibration = new FramingCalibration();
		if (typeof value === 'object' && value !== null) {
			for (const [modelId, sample] of Object.entries(value as Record<string, Partial<Sample>>)) {
				if (typeof sample?.perMessage === 'number' && typeof sample.requests === 'number' && sample.perMessage >= 0) {
					calibration.samples.set(modelId, { perMessage: sample.perMessage, requests: sample.requests });
				}
			}
		}
		return calibration;
	}
}
