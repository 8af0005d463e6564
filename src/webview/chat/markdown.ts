/**
 * Turns model output into DOM nodes. markdown-it runs with raw HTML disabled, so tags in the output
 * become text, and DOMPurify then checks the generated HTML again before any of it reaches the page.
 */

import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { revealBidiControls } from './bidi';
import { type MarkdownEngine, type MarkdownEnv, MarkdownStream } from './markdownStream';
import { type ChatStrings, formatString } from './strings';

/** Schemes a link in model output may use. Everything else (`javascript:`, `data:`, `file:`, relative) is dropped. */
const allowedUrlPattern = /^(?:https?|mailto):/i;

const alignmentPattern = /^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$/i;

export interface MarkdownRenderer {
	/** Returns sanitized nodes for `source`, with a Copy button next to each code block. */
	render(source: string): DocumentFragment;
	/** Creates a renderer for a reply that grows, which renders each finished block once. */
	createStream(container: HTMLElement): MarkdownStream;
}

export function createMarkdownRenderer(strings: ChatStrings): MarkdownRenderer {
	const engine = createMarkdownEngine(strings);
	return {
		render(source) {
			const env: MarkdownEnv = {};
			return engine.renderTokens(engine.parse(source, env), env);
		},
		createStream(container) {
			return new MarkdownStream(container, engine);
		},
	};
}

function createMarkdownEngine(strings: ChatStrings): MarkdownEngine {
	const markdown = createMarkdownIt(strings);
	const purifier = createPurifier();

	return {
		parse(source, env) {
			return markdown.parse(source, env);
		},
		renderTokens(tokens, env) {
			const fragment = purifier.sanitize(markdown.renderer.render(tokens, markdown.options, env), {
				RETURN_DOM_FRAGMENT: true,
				ALLOWED_URI_REGEXP: allowedUrlPattern,
				USE_PROFILES: { html: true },
				ALLOW_DATA_ATTR: false,
				// The renderer never emits images, so an <img> here could only be a way around it.
				FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'option'],
				FORBID_ATTR: ['style'],
			});
			addCopyButtons(fragment, strings);
			revealBidiControls(fragment, strings);
			return fragment;
		},
	};
}

function createMarkdownIt(strings: ChatStrings) {
	const markdown = new MarkdownIt({ html: false, linkify: true });
	markdown.validateLink = (url) => allowedUrlPattern.test(url.trim());

	// Images become plain links, because a reply that loaded a remote image by itself could send
	// conversation text to any server in the image URL.
	markdown.renderer.rules.image = (tokens, index, options, env, renderer) => {
		const token = tokens[index];
		const source = String(token.attrGet('src') ?? '');
		const alt = renderer.renderInlineAsText(token.children ?? [], options, env);
		const label = formatString(strings.imageLink, alt || source);
		return `<a href="${markdown.utils.escapeHtml(source)}">${markdown.utils.escapeHtml(label)}</a>`;
	};
	return markdown;
}

function createPurifier(): ReturnType<typeof DOMPurify> {
	const purifier = DOMPurify(window);

	// The page's CSP rejects inline style attributes, so table column alignment moves to a class.
	purifier.addHook('beforeSanitizeAttributes', (node) => {
		if (!(node instanceof Element) || !node.hasAttribute('style')) {
			return;
		}
		const alignment = alignmentPattern.exec(node.getAttribute('style') ?? '');
		node.removeAttribute('style');
		if (alignment) {
			node.classList.add(`align-${alignment[1].toLowerCase()}`);
		}
	});
	purifier.addHook('afterSanitizeAttributes', (node) => {
		if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
			node.setAttribute('rel', 'noopener noreferrer');
			node.title = node.getAttribute('href') ?? '';
		}
	});
	return purifier;
}

function addCopyButtons(fragment: DocumentFragment, strings: ChatStrings): void {
	for (const code of fragment.querySelectorAll('pre > code')) {
		const pre = code.parentElement as HTMLPreElement;
		const block = document.createElement('div');
		block.className = 'code-block';
		pre.replaceWith(block);

		const button = document.createElement('button');
		button.type = 'button';
		button.className = 'copy-code';
		button.textContent = strings.copy;
		button.setAttribute('aria-label', strings.copyCodeLabel);
		block.append(button, pre);
	}
}

/** Returns the text of the code block that `button` belongs to. */
export function readCodeBlock(button: Element): string {
	return button.closest('.code-block')?.querySelector('pre > code')?.textContent ?? '';
}
