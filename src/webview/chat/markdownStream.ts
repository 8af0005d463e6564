/**
 * Renders a Markdown reply that grows as it streams, at a cost proportional to what changed. Top-level blocks
 * that can no longer change are rendered once and kept; each call parses and renders only the rest, which is
 * usually the last, growing block.
 */

import type { Env, Token } from 'markdown-it';

export type MarkdownToken = Token;

/** markdown-it's environment. The block parser stores reference definitions (`[label]: url`) in it. */
export type MarkdownEnv = Env;

/** The parser and the sanitizing renderer that `MarkdownStream` works with. */
export interface MarkdownEngine {
	parse(source: string, env: MarkdownEnv): MarkdownToken[];
	/** Renders tokens to sanitized nodes, as for a whole message. */
	renderTokens(tokens: MarkdownToken[], env: MarkdownEnv): DocumentFragment;
}

/** Where the unstable rest of a source begins: a character offset and the index of its first token. */
interface StableBoundary {
	offset: number;
	tokenIndex: number;
}

/** Line breaks as markdown-it normalizes them, so that line numbers in token maps match these offsets. */
const lineBreakPattern = /\r\n?|\n/g;

export class MarkdownStream {
	/** The source of the blocks that are rendered once and kept, always a prefix of the rendered source. */
	private stableSource = '';
	/** Reference definitions found in `stableSource`. */
	private stableReferences: NonNullable<MarkdownEnv['references']> = {};
	/** Nodes after the stable blocks, replaced on every render. */
	private tailNodes: ChildNode[] = [];

	constructor(
		private readonly container: HTMLElement,
		private readonly engine: MarkdownEngine,
	) {}

	/**
	 * Renders `source` into the container. While `final` is false the source is expected to grow, so finished
	 * blocks are kept for later calls. A source that does not start with the kept blocks is rendered afresh.
	 */
	render(source: string, final: boolean): void {
		if (!source.startsWith(this.stableSource)) {
			this.reset();
		}
		let tail = source.slice(this.stableSource.length);
		let env = this.createEnv();
		let tokens = this.engine.parse(tail, env);

		// A definition in the unstable rest can turn text in the kept blocks into links. While streaming this waits
		// until the definition's block is kept, but the last render must match a render of the whole source.
		if (final && this.stableSource && countReferences(env) > countReferences({ references: this.stableReferences })) {
			this.reset();
			tail = source;
			env = this.createEnv();
			tokens = this.engine.parse(tail, env);
		}

		for (const node of this.tailNodes) {
			node.remove();
		}
		const boundary = final ? undefined : findStableBoundary(tail, tokens);
		if (boundary) {
			this.keepBlocks(tail.slice(0, boundary.offset));
			tokens = tokens.slice(boundary.tokenIndex);
		}

		const fragment = this.engine.renderTokens(tokens, env);
		this.tailNodes = [...fragment.childNodes];
		this.container.append(fragment);
	}

	/** Renders `blocks`, which follow the kept blocks, and keeps them. */
	private keepBlocks(blocks: string): void {
		const env = this.createEnv();
		const tokens = this.engine.parse(blocks, env);
		const knownReferences = countReferences({ references: this.stableReferences });
		this.stableSource += blocks;
		this.stableReferences = env.references ?? {};
		if (countReferences(env) === knownReferences) {
			this.container.append(this.engine.renderTokens(tokens, env));
			return;
		}

		// The new definitions can turn text in the blocks kept earlier into links, so all kept blocks render again.
		// NOTE: each reply block that defines a new reference costs one render of every kept block.
		const allEnv: MarkdownEnv = {};
		const allTokens = this.engine.parse(this.stableSource, allEnv);
		this.container.replaceChildren(this.engine.renderTokens(allTokens, allEnv));
	}

	private createEnv(): MarkdownEnv {
		return { references: { ...this.stableReferences } };
	}

	private reset(): void {
		this.stableSource = '';
		this.stableReferences = {};
		this.tailNodes = [];
		this.container.replaceChildren();
	}
}

function countReferences(env: MarkdownEnv): number {
	return env.references ? Object.keys(env.references).length : 0;
}

/**
 * Finds the start of the last top-level block that more text cannot merge into the blocks before it. Text can
 * only be appended to the last block, which keeps its first line once that line has ended, so the block before
 * it is finished. Until then the boundary is the start of the block before the last.
 * NOTE: one large top-level block, such as a long list or code block, is still rendered again in every frame.
 */
export function findStableBoundary(source: string, tokens: MarkdownToken[]): StableBoundary | undefined {
	const blockStarts: number[] = [];
	for (const [index, token] of tokens.entries()) {
		if (token.level === 0 && token.nesting >= 0 && token.map) {
			blockStarts.push(index);
		}
	}

	const lineStarts = [0];
	for (const match of source.matchAll(lineBreakPattern)) {
		lineStarts.push(match.index + match[0].length);
	}
	let candidate = blockStarts.length - 1;
	const lastBlockLine = candidate >= 0 ? (tokens[blockStarts[candidate]].map?.[0] ?? 0) : 0;
	if (lastBlockLine + 1 >= lineStarts.length) {
		candidate--;
	}
	if (candidate <= 0) {
		return undefined;
	}

	const tokenIndex = blockStarts[candidate];
	const offset = lineStarts[tokens[tokenIndex].map?.[0] ?? 0];
	return offset > 0 ? { offset, tokenIndex } : undefined;
}
