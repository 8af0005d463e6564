import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { type MarkdownEngine, MarkdownStream } from '../../src/webview/chat/markdownStream';

const markdown = new MarkdownIt({ html: false, linkify: true });

/** One rendered piece of HTML, standing in for a DOM node. */
interface HtmlNode {
	html: string;
	parent?: HtmlContainer;
	remove(): void;
}

/** The part of an element that `MarkdownStream` uses, over HTML strings instead of a DOM. */
class HtmlContainer {
	nodes: HtmlNode[] = [];

	append(fragment: { childNodes: HtmlNode[] }): void {
		for (const node of fragment.childNodes) {
			node.parent = this;
			this.nodes.push(node);
		}
	}

	replaceChildren(fragment?: { childNodes: HtmlNode[] }): void {
		this.nodes = [];
		if (fragment) {
			this.append(fragment);
		}
	}

	readHtml(): string {
		return this.nodes.map((node) => node.html).join('');
	}
}

const engine: MarkdownEngine = {
	parse: (source, env) => markdown.parse(source, env),
	renderTokens(tokens, env) {
		const node: HtmlNode = {
			html: markdown.renderer.render(tokens, markdown.options, env),
			remove() {
				if (this.parent) {
					this.parent.nodes = this.parent.nodes.filter((other) => other !== this);
				}
			},
		};
		return { childNodes: [node] } as unknown as DocumentFragment;
	},
};

/** Blocks whose parse depends on what follows them: loose lists, fences with blank lines, lazy lines, references. */
const blocks = [
	'# Title\n\nSome **bold** text with `code` and a link https://example.invalid/x.\n\n',
	'- a\n- b\n\n- c loose\n\nAfter list.\n\n',
	'1. one\n2. two\n\n3. three\n\n',
	'```ts\nconst x = 1;\n\n\nconst y = 2;\n```\n\n',
	'    indented code\n\n    more indented\n\nPara\n===\n\n',
	'| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n',
	'> quote\nlazy line\n\n> second quote\n\n',
	'See [the docs][docs] and [other].\n\n',
	'* * *\n\nText\n---\n\n',
	'- item\n\n  continued paragraph\n\n  ```\n  code in item\n\n  more\n  ```\n\nEnd.\n\n',
	'~~~\nunclosed tilde fence\n\n',
	'Line one\r\nLine two\r\n\r\nNext para\r\n\r\n',
	'[docs]: https://example.invalid/docs "Docs"\n\n',
	'Trailing para [other]\n\n[other]: https://example.invalid/other\n',
];

/** Returns a deterministic pseudo-random number in [0, 1), so a failure repeats. */
function createRandom(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

describe('MarkdownStream', () => {
	it('streamed render equals one-shot render', () => {
		const random = createRandom(7);
		for (let trial = 0; trial < 300; trial++) {
			const count = 3 + Math.floor(random() * 10);
			const source = [...blocks]
				.sort(() => random() - 0.5)
				.slice(0, count)
				.join('');
			const container = new HtmlContainer();
			const stream = new MarkdownStream(container as unknown as HTMLElement, engine);
			let text = '';
			while (text.length < source.length) {
				text = source.slice(0, text.length + 1 + Math.floor(random() * 12));
				stream.render(text, false);
				// While streaming, a reference defined in the last block reaches earlier blocks only once it is kept.
				if (!text.includes(']:')) {
					assert.equal(container.readHtml(), markdown.render(text), `after ${JSON.stringify(text)}`);
				}
			}
			stream.render(source, true);
			assert.equal(container.readHtml(), markdown.render(source), `final ${JSON.stringify(source)}`);
		}
	});

	it('keeps finished blocks between renders', () => {
		const container = new HtmlContainer();
		const stream = new MarkdownStream(container as unknown as HTMLElement, engine);
		stream.render('First paragraph.\n\nSecond paragraph.\n\nThird', false);
		const kept = container.nodes[0];
		stream.render('First paragraph.\n\nSecond paragraph.\n\nThird paragraph.', false);
		assert.equal(container.nodes[0], kept);
		assert.equal(kept.html, '<p>First paragraph.</p>\n');
	});

	it('source that is not an extension renders afresh', () => {
		const container = new HtmlContainer();
		const stream = new MarkdownStream(container as unknown as HTMLElement, engine);
		stream.render('Old paragraph.\n\nMore\n', false);
		stream.render('New text.', true);
		assert.equal(container.readHtml(), '<p>New text.</p>\n');
	});
});
