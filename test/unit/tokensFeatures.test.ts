import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listCatalog } from '../../src/core/models/catalog';
import { GitignoreRules } from '../../src/core/files/gitignore';
import { decodeText, looksBinary } from '../../src/core/files/textContent';
import { parsePromptFile } from '../../src/core/prompts/promptFile';
import { findMarkdownHeadings, findMarkdownSections, textLines } from '../../src/core/text/markdown';
import { catalogModelsByEncoding, inputCosts } from '../../src/core/tokens/compare';
import { alternatingColours, formatBytes, markdownCodeSpan, visibleTokenText } from '../../src/core/tokens/display';
import { buildReportTree, describeFit } from '../../src/core/tokens/report';

describe('textLines', () => {
	test('splits on LF and CRLF', () => {
		const text = 'one\r\ntwo\nthree';
		const lines = [...textLines(text)].map((line) => text.slice(line.start, line.end));
		assert.deepEqual(lines, ['one', 'two', 'three']);
	});

	test('ends with an empty line after a final break', () => {
		const lines = [...textLines('a\n')];
		assert.equal(lines.length, 2);
		assert.equal(lines[1].start, 2);
		assert.equal(lines[1].end, 2);
	});
});

describe('findMarkdownHeadings', () => {
	test('finds ATX headings with their levels', () => {
		const headings = findMarkdownHeadings('# One\ntext\n## Two ##\n   ### Three\n####### not a heading\n#no space\n');
		assert.deepEqual(
			headings.map((heading) => [heading.level, heading.title, heading.line]),
			[
				[1, 'One', 0],
				[2, 'Two', 2],
				[3, 'Three', 3],
			],
		);
	});

	test('skips fenced code and front matter', () => {
		const text = ['---', '# title: front matter', '---', '# Real', '````md', '# in code', '```', '# still code', '````', '~~~', '# tilde code', '~~~', '## After'].join('\n');
		assert.deepEqual(
			findMarkdownHeadings(text).map((heading) => heading.title),
			['Real', 'After'],
		);
	});

	test('ignores headings indented by four spaces', () => {
		assert.deepEqual(findMarkdownHeadings('    # code\n'), []);
	});
});

describe('findMarkdownSections', () => {
	test('nests sections up to the next heading of the same level', () => {
		const text = '# A\nintro\n## B\nb text\n## C\nc text\n# D\nd text\n';
		const sections = findMarkdownSections(text).map((section) => [section.heading.title, text.slice(section.start, section.end)]);
		assert.deepEqual(sections, [
			['A', '# A\nintro\n## B\nb text\n## C\nc text\n'],
			['B', '## B\nb text\n'],
			['C', '## C\nc text\n'],
			['D', '# D\nd text\n'],
		]);
	});
});

describe('parsePromptFile', () => {
	test('reads system, user and assistant messages', () => {
		const text = 'Notes before.\n\n## System\nYou are terse.\n\n## user\nHi!\n### Details\nmore\n## assistant\nHello.\n';
		const messages = parsePromptFile(text);
		assert.deepEqual(
			messages.map((message) => [message.role, message.headingLine, message.content]),
			[
				['system', 2, 'You are terse.'],
				['user', 5, 'Hi!\n### Details\nmore'],
				['assistant', 9, 'Hello.'],
			],
		);
	});

	test('gives the offsets of the trimmed content', () => {
		const text = '## user\n\n  Hello there.  \n\n## assistant\n';
		const [user] = parsePromptFile(text);
		assert.equal(text.slice(user.contentStart, user.contentEnd), 'Hello there.');
		assert.equal(user.end, text.indexOf('## assistant'));
	});

	test('ignores other level-2 headings and code', () => {
		const text = '## Intro\n```\n## user\n```\n## user\nQuestion\n';
		const messages = parsePromptFile(text);
		assert.equal(messages.length, 1);
		assert.equal(messages[0].content, 'Question');
	});
});

describe('inputCosts', () => {
	test('prices every catalog model by its tokenizer', () => {
		const costs = inputCosts(
			new Map([
				['o200k_base', 1_000_000],
				['cl100k_base', 2_000_000],
			]),
		);
		assert.equal(costs.length, listCatalog().length);
		const gpt4o = costs.find((cost) => cost.model === 'gpt-4o');
		assert.equal(gpt4o?.cost, 2.5);
		const gpt4 = costs.find((cost) => cost.model === 'gpt-4');
		assert.equal(gpt4?.tokens, 2_000_000);
		assert.equal(gpt4?.cost, 60);
	});

	test('sorts cheapest first', () => {
		const costs = inputCosts(new Map([['o200k_base', 1000]]));
		const values = costs.map((cost) => cost.cost);
		assert.deepEqual(values, [...values].sort((a, b) => a - b));
	});

	test('leaves out models whose tokenizer was not counted', () => {
		const costs = inputCosts(new Map([['cl100k_base', 10]]));
		assert.ok(costs.length > 0);
		assert.ok(costs.every((cost) => cost.encoding === 'cl100k_base'));
	});

	test('groups catalog models by encoding', () => {
		const models = catalogModelsByEncoding();
		assert.ok(models.get('o200k_base')?.includes('gpt-4o'));
		assert.ok(models.get('cl100k_base')?.includes('gpt-4'));
	});
});

describe('buildReportTree', () => {
	const tree = buildReportTree('root', [
		{ path: 'README.md', bytes: 10, tokens: 5 },
		{ path: 'src/a.ts', bytes: 10, tokens: 30 },
		{ path: 'src/deep/b.ts', bytes: 10, tokens: 50 },
		{ path: 'src/image.png', bytes: 10, skipped: 'binary' },
		{ path: 'docs/c.md', bytes: 10 },
	]);

	test('totals every folder', () => {
		assert.equal(tree.tokens, 85);
		assert.equal(tree.counted, 3);
		assert.equal(tree.pending, 1);
		assert.equal(tree.skipped, 1);
		const src = tree.children.find((child) => child.name === 'src');
		assert.equal(src?.tokens, 80);
	});

	test('ranks children by tokens, skipped last', () => {
		assert.deepEqual(
			tree.children.map((child) => child.name),
			['src', 'README.md', 'docs'],
		);
		const src = tree.children.find((child) => child.name === 'src');
		assert.deepEqual(
			src?.children.map((child) => child.name),
			['deep', 'a.ts', 'image.png'],
		);
	});

	test('keeps the skip reason', () => {
		const image = tree.children.find((child) => child.name === 'src')?.children.find((child) => child.name === 'image.png');
		assert.equal(image?.skipReason, 'binary');
		assert.equal(image?.path, 'src/image.png');
	});
});

describe('describeFit', () => {
	test('says a count within the window fits', () => {
		assert.equal(describeFit(12_800, 128_000), 'fits in 128k (10%)');
	});

	test('gives the multiple of an exceeded window', () => {
		assert.equal(describeFit(409_600, 128_000), '3.2× the 128k window');
	});

	test('returns undefined without a window', () => {
		assert.equal(describeFit(10, undefined), undefined);
	});
});

describe('GitignoreRules', () => {
	const rules = new GitignoreRules();
	rules.set('', 'node_modules/\n*.log\nbuild\n!keep.log\n');
	rules.set('packages/app', 'dist/\n!debug.log\nsecret.txt\n');

	test('ignores by pattern and folder', () => {
		assert.equal(rules.ignores('node_modules/x/index.js'), true);
		assert.equal(rules.ignores('server.log'), true);
		assert.equal(rules.ignores('build/out.js'), true);
		assert.equal(rules.ignores('src/index.ts'), false);
	});

	test('re-includes negated files', () => {
		assert.equal(rules.ignores('keep.log'), false);
	});

	test('applies nested rules to their folder', () => {
		assert.equal(rules.ignores('packages/app/dist/a.js'), true);
		assert.equal(rules.ignores('packages/app/secret.txt'), true);
		assert.equal(rules.ignores('secret.txt'), false);
	});

	test('lets a deeper file override a shallower one', () => {
		assert.equal(rules.ignores('packages/app/debug.log'), false);
		assert.equal(rules.ignores('packages/other/debug.log'), true);
	});

	test('never re-includes inside an ignored folder', () => {
		const nested = new GitignoreRules();
		nested.set('', 'vendor/\n');
		nested.set('vendor', '!*.js\n');
		assert.equal(nested.ignores('vendor/lib.js'), true);
	});

	test('ignores folders by folder patterns', () => {
		assert.equal(rules.ignoresFolder('node_modules'), true);
		assert.equal(rules.ignoresFolder('packages/app/dist'), true);
		assert.equal(rules.ignoresFolder('src'), false);
	});

	test('forgets deleted rules', () => {
		const changing = new GitignoreRules();
		changing.set('', '*.tmp\n');
		assert.equal(changing.ignores('a.tmp'), true);
		changing.delete('');
		assert.equal(changing.ignores('a.tmp'), false);
	});
});

describe('looksBinary', () => {
	test('detects a NUL byte', () => {
		assert.equal(looksBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])), true);
	});

	test('accepts UTF-8 text', () => {
		assert.equal(looksBinary(new TextEncoder().encode('héllo 世界 👋')), false);
	});

	test('decodes UTF-8 without the byte order mark', () => {
		assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])), 'hi');
	});
});

describe('visibleTokenText', () => {
	test('draws whitespace', () => {
		assert.equal(visibleTokenText(' a\tb\r\n'), '·a→b␍↵');
	});

	test('escapes invisible characters', () => {
		assert.equal(visibleTokenText('👩\u200d👧'), '👩\\u{200D}👧');
		assert.equal(visibleTokenText('\u00a0\ufeff'), '\\u{00A0}\\u{FEFF}');
	});

	test('escapes a lone surrogate but keeps a pair', () => {
		assert.equal(visibleTokenText('\ud83d'), '\\u{D83D}');
		assert.equal(visibleTokenText('😀'), '😀');
	});
});

describe('markdownCodeSpan', () => {
	test('fences text with backticks', () => {
		assert.equal(markdownCodeSpan('a``b'), '```a``b```');
	});

	test('pads text that starts with a backtick', () => {
		assert.equal(markdownCodeSpan('`x'), '`` `x ``');
	});
});

describe('formatBytes', () => {
	test('writes hex pairs', () => {
		assert.equal(formatBytes([0xe4, 0xb8, 0x0a]), 'e4 b8 0a');
	});
});

describe('alternatingColours', () => {
	test('alternates and restarts on each line', () => {
		assert.deepEqual(alternatingColours([0, 0, 0, 1, 1, 3]), [0, 1, 0, 0, 1, 0]);
	});
});
