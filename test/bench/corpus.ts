/**
 * Deterministic texts for the token benchmark and the token-count tests, built from files installed with the project so that
 * nothing is downloaded.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const typescriptLib = path.join(repositoryRoot, 'node_modules', 'typescript', 'lib');

/** Returns a file from TypeScript's `lib` folder, such as `lib.dom.d.ts`. */
export function readTypeScriptLib(name: string): string {
	return readFileSync(path.join(typescriptLib, name), 'utf8');
}

/** Returns the path (relative to the repository) and text of every `.ts` file under `src/`. */
export function readSourceFiles(): { file: string; text: string }[] {
	const files: { file: string; text: string }[] = [];
	const visit = (directory: string): void => {
		for (const name of readdirSync(directory).sort()) {
			const full = path.join(directory, name);
			if (statSync(full).isDirectory()) {
				visit(full);
			} else if (/\.(ts|tsx|css|html|json)$/.test(name)) {
				files.push({ file: path.relative(repositoryRoot, full), text: readFileSync(full, 'utf8') });
			}
		}
	};
	visit(path.join(repositoryRoot, 'src'));
	return files;
}

/** Returns real Chinese prose: TypeScript's Simplified Chinese diagnostic messages, one per line. */
export function chineseText(minLength: number): string {
	const messages = JSON.parse(readTypeScriptLib(path.join('zh-cn', 'diagnosticMessages.generated.json'))) as Record<
		string,
		string
	>;
	return repeatTo(Object.values(messages).join('\n'), minLength);
}

/** Returns English prose: the JSDoc comments of `lib.dom.d.ts` with the comment markers removed. */
export function englishProse(minLength: number): string {
	const lines = readTypeScriptLib('lib.dom.d.ts')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.startsWith('* ') && !line.startsWith('* @') && !line.includes('[MDN Reference]'))
		.map((line) => line.slice(2));
	return repeatTo(lines.join('\n'), minLength);
}

/** Returns TypeScript source: `lib.es5.d.ts` followed by `lib.dom.d.ts`. */
export function typeScriptSource(minLength: number): string {
	return repeatTo(readTypeScriptLib('lib.es5.d.ts') + readTypeScriptLib('lib.dom.d.ts'), minLength);
}

/** Returns one line of at least `minLength` characters with no spaces or newlines, like minified JavaScript. */
export function minifiedLine(minLength: number): string {
	const squeezed = readTypeScriptLib('lib.es5.d.ts')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/\s+/g, '');
	return repeatTo(squeezed, minLength, '');
}

/** Returns base64 of pseudo-random bytes from a fixed seed, as one line of at least `minLength` characters. */
export function base64Line(minLength: number, seed = 1): string {
	const random = seededRandom(seed);
	const bytes = Buffer.alloc(Math.ceil((minLength * 3) / 4));
	for (let index = 0; index < bytes.length; index++) {
		bytes[index] = Math.floor(random() * 256);
	}
	return bytes.toString('base64');
}

/** Returns a pseudo-random number generator (mulberry32) with values in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let value = state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
	};
}

function repeatTo(text: string, minLength: number, separator = '\n'): string {
	let result = text;
	while (result.length < minLength) {
		result += separator + text;
	}
	let end = Math.max(minLength, 0);
	// Never end on the first half of a surrogate pair: a lone surrogate is not valid UTF-16 text.
	if (end > 0 && /[\ud800-\udbff]/.test(result[end - 1])) {
		end--;
	}
	return result.slice(0, end);
}
