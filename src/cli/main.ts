/**
 * `llm-lab`: the command line over LLM Lab's core, for scripts and CI.
 *
 *   llm-lab tokens FILE... [--model M] [--ollama-host URL] [--json]
 *   llm-lab chat --model M [--base-url U] [--max-tokens N] [--temperature T] [--system S] "prompt"
 *   llm-lab compare --variants FILE --dataset FILE [--out FILE] [--concurrency N] [--min-pass-rate R] [--resume]
 */

import { parseArgs } from 'node:util';
import { runChat } from './chat';
import { runCompare } from './compare';
import { runTokens } from './tokens';
import { UsageError } from './usageError';

export const USAGE = `Usage:
  llm-lab tokens FILE... [--model M] [--ollama-host URL] [--json]
      Count the tokens of each file with the model's tokenizer and its share of the model's context window.
      M is an OpenAI model name such as gpt-4o-mini (default: gpt-4o), or ollama:NAME:TAG for a model's own
      vocabulary, fetched from Ollama at URL (default: http://127.0.0.1:11434) once and then cached.
  llm-lab chat --model M [--base-url U] [--max-tokens N] [--temperature T] [--system TEXT] PROMPT
      Stream a reply to standard output and print usage to standard error. M is a model name for an
      OpenAI-compatible server (key from OPENAI_API_KEY), or ollama:NAME:TAG for Ollama. U is the server's
      base URL (default: https://api.openai.com/v1, or http://127.0.0.1:11434 for Ollama). T is from 0 to 2.
      A PROMPT of - reads the prompt from standard input.
  llm-lab compare --variants FILE --dataset FILE [--out FILE] [--concurrency N] [--min-pass-rate R] [--resume]
      Run every variant of the variants file on every row of the dataset (.jsonl or .csv) and print a summary per
      variant. Records go to --out (default: .llmlab/runs/<run id>.jsonl); --resume finishes the missing calls of
      an existing --out file. N limits concurrent calls per provider (default 4); R is a share from 0 to 1.
      Keys: OPENAI_API_KEY for api.openai.com, or the variable a provider entry names in "apiKeyEnv".

Exit status: 0 on success, 1 when the request failed, 2 on invalid arguments or input files, 3 when the reply was
cut off, 4 when a compared variant's pass rate is below --min-pass-rate, 130 when stopped with Ctrl+C.`;

/** Exit status for invalid arguments. */
export const EXIT_USAGE = 2;

export async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (!command || command === '--help' || command === '-h' || command === 'help') {
		process.stdout.write(`${USAGE}\n`);
		return command ? 0 : EXIT_USAGE;
	}
	try {
		if (command === 'tokens') {
			const { values, positionals } = parseArgs({
				args: rest,
				allowPositionals: true,
				options: {
					model: { type: 'string', default: 'gpt-4o' },
					json: { type: 'boolean', default: false },
					'ollama-host': { type: 'string' },
				},
			});
			return await runTokens(positionals, { model: values.model, json: values.json, ollamaHost: values['ollama-host'] });
		}
		if (command === 'chat') {
			const { values, positionals } = parseArgs({
				args: rest,
				allowPositionals: true,
				options: {
					model: { type: 'string' },
					'base-url': { type: 'string' },
					'max-tokens': { type: 'string' },
					temperature: { type: 'string' },
					system: { type: 'string' },
				},
			});
			const temperature = parseNumberOption('--temperature', values.temperature, false);
			if (temperature !== undefined && (temperature < 0 || temperature > 2)) {
				throw new UsageError(`invalid --temperature value "${values.temperature}": expected a number from 0 to 2.`);
			}
			const fromStdin = positionals.length === 1 && positionals[0] === '-';
			return await runChat({
				model: values.model,
				baseUrl: values['base-url'],
				maxTokens: parseNumberOption('--max-tokens', values['max-tokens'], true),
				temperature,
				system: values.system,
				prompt: fromStdin ? await readStdin() : positionals.join(' '),
			});
		}
		if (command === 'compare') {
			const { values } = parseArgs({
				args: rest,
				options: {
					variants: { type: 'string' },
					dataset: { type: 'string' },
					out: { type: 'string' },
					concurrency: { type: 'string' },
					'min-pass-rate': { type: 'string' },
					resume: { type: 'boolean', default: false },
				},
			});
			return await runCompare({
				variants: values.variants,
				dataset: values.dataset,
				out: values.out,
				concurrency: parseNumberOption('--concurrency', values.concurrency, true),
				minPassRate: parseNumberOption('--min-pass-rate', values['min-pass-rate'], false),
				resume: values.resume,
			});
		}
	} catch (error) {
		if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			process.stderr.write(`llm-lab: ${(error as Error).message}\n\n${USAGE}\n`);
			return EXIT_USAGE;
		}
		throw error;
	}
	process.stderr.write(`llm-lab: unknown command "${command}".\n\n${USAGE}\n`);
	return EXIT_USAGE;
}

/** Reads standard input to its end, for `chat -`. */
async function readStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) {
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function parseNumberOption(name: string, value: string | undefined, integer: boolean): number | undefined {
	if (value === undefined) {
		return undefined;
	}
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || (integer && (!Number.isInteger(parsed) || parsed <= 0))) {
		throw new UsageError(`invalid ${name} value "${value}": expected ${integer ? 'a positive integer' : 'a number'}.`);
	}
	return parsed;
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			process.stderr.write(`llm-lab: ${error instanceof Error ? error.message : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
