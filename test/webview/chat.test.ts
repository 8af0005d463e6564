import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, StoredMessage } from '../../src/core/chat/conversation';
import type { ContextMeter, HostToWebview } from '../../src/webview/chat/protocol';
import { buildChatCsp, createNonce, escapeHtml, renderChatHtml } from '../../src/vscode/chat/chatHtml';
import { type ChatPage, ChatPageServer, themeColors } from './chatPage';

const conversationId = 'conv-1';
const baseTime = Date.UTC(2026, 0, 5, 9, 30);

function createMessage(overrides: Partial<StoredMessage> & Pick<StoredMessage, 'id' | 'role'>): StoredMessage {
	return { content: '', status: 'done', createdAt: baseTime, ...overrides };
}

function createConversation(overrides: Partial<Conversation> = {}): Conversation {
	return {
		id: conversationId,
		title: 'Test conversation',
		model: 'openai:gpt-4o-mini',
		messages: [],
		draft: '',
		createdAt: baseTime,
		updatedAt: baseTime,
		...overrides,
	};
}

function createDelta(messageId: string, text: string): HostToWebview {
	return { type: 'message/delta', conversationId, messageId, text };
}

const meterBase: ContextMeter = {
	modelLabel: 'gpt-4o-mini',
	tokenizer: 'o200k_base',
	exact: false,
	contextWindow: 128_000,
	windowSource: 'catalog',
	systemTokens: 200,
	historyTokens: 1000,
	inputTokens: 84,
	reservedTokens: 512,
	level: 'ok',
};

describe('renderChatHtml', () => {
	it('CSP starts from default-src none', () => {
		const csp = buildChatCsp('https://webview.test', 'abc');
		assert.equal(
			csp,
			"default-src 'none'; style-src https://webview.test; script-src 'nonce-abc'; " +
				"img-src https://webview.test https: data:; font-src https://webview.test",
		);
	});

	it('escapes every interpolated attribute', () => {
		const html = renderChatHtml({
			cspSource: 'https://a.test"><script>',
			nonce: 'n"once',
			scriptUri: 'https://a.test/chat.js"onload="x',
			styleUri: "https://a.test/chat.css'x",
			codiconsUri: 'https://a.test/codicon.css"<',
			strings: { send: '<b>Send</b>', inputPlaceholder: 'Say "hi"' },
			language: 'en"',
		});
		assert.doesNotMatch(html, /<script>/);
		assert.doesNotMatch(html, /"onload=/);
		assert.doesNotMatch(html, /n"once/);
		assert.match(html, /src="https:\/\/a\.test\/chat\.js&quot;onload=&quot;x"/);
		assert.match(html, /href="https:\/\/a\.test\/chat\.css&#39;x"/);
		assert.match(html, /&lt;b&gt;Send&lt;\/b&gt;/);
		assert.match(html, /placeholder="Say &quot;hi&quot;"/);
		assert.equal(html.match(/<script/g)?.length, 1);
	});

	it('nonce is random per call', () => {
		const first = createNonce();
		const second = createNonce();
		assert.match(first, /^[A-Za-z0-9_-]{22}$/);
		assert.notEqual(first, second);
	});

	it('escapeHtml escapes five metacharacters', () => {
		const escaped = escapeHtml(`<a href="x" title='y'>&</a>`);
		assert.equal(escaped, '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
	});
});

describe('chat view page in Chromium', () => {
	let server: ChatPageServer;

	before(async () => {
		server = await ChatPageServer.start();
	});

	after(async () => {
		await server?.close();
	});

	/** Opens a page, runs `body` and then checks that nothing was blocked, thrown or fetched elsewhere. */
	async function withPage(body: (chat: ChatPage) => Promise<void>, viewport?: { width: number; height: number }) {
		const chat = await server.open(viewport);
		try {
			await body(chat);
			const record = await chat.readRecord();
			assert.deepEqual(record.violations, [], 'the page needed the CSP to block something');
			assert.deepEqual(record.errors, [], 'the page threw');
			assert.deepEqual(chat.foreignRequests, [], 'the page requested a URL outside the test server');
		} finally {
			await chat.close();
		}
	}

	it('streamed deltas render progressively', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const reply = createMessage({ id: 'a1', role: 'assistant', status: 'streaming', model: 'openai:gpt-4o-mini' });
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [createMessage({ id: 'u1', role: 'user', content: 'Show me a sum.' }), reply],
				}),
				busy: true,
			});
			const body = page.locator('[data-message-id="a1"] .message-body');
			assert.equal(await page.locator('[data-message-id="a1"]').getAttribute('aria-busy'), 'true');

			const finalContent = 'Here is **bold** code:\n\n```ts\nconst sum = 1 + 2;\nconsole.log(sum);\n```\n';
			await chat.send(createDelta('a1', 'Here is **bo'));
			await page.waitForFunction(() => document.querySelector('[data-message-id="a1"]')?.textContent?.includes('bo'));
			assert.equal(await body.locator('strong').count(), 0);

			await chat.send(createDelta('a1', 'ld** code:\n\n```ts\nconst sum = 1 + 2;\n'));
			await body.locator('strong', { hasText: 'bold' }).waitFor();
			await body.locator('.code-block pre code').waitFor();
			assert.equal(await body.locator('.code-block pre code').textContent(), 'const sum = 1 + 2;\n');

			await chat.send(
				createDelta('a1', 'console.log(sum);\n```\n'),
				{
					type: 'message/update',
					conversationId,
					message: { ...reply, status: 'done', content: finalContent },
				},
			);
			await chat.waitForMessageIdle('a1');
			assert.equal(await body.locator('.code-block').count(), 1);
			assert.equal(await body.locator('code.language-ts').textContent(), 'const sum = 1 + 2;\nconsole.log(sum);\n');
		});
	});

	it('Copy posts code block text', async () => {
		await withPage(async (chat) => {
			const content = 'Run:\n\n```sh\nnpm test\n```\n\nThen:\n\n```\nnode esbuild.js\n```';
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({ messages: [createMessage({ id: 'a1', role: 'assistant', content })] }),
				busy: false,
			});
			const buttons = chat.page.getByRole('button', { name: 'Copy code block' });
			assert.equal(await buttons.count(), 2);

			await buttons.nth(1).click({ force: true });
			assert.deepEqual(await chat.readPosted('clipboard/write'), [{ type: 'clipboard/write', text: 'node esbuild.js\n' }]);
			assert.equal(await buttons.nth(1).textContent(), 'Copied');
		});
	});

	it('delta burst renders per frame', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [createMessage({ id: 'a1', role: 'assistant', status: 'streaming' })],
				}),
				busy: true,
			});
			await page.evaluate(() => {
				const body = document.querySelector('[data-message-id="a1"] .message-body')!;
				(window as unknown as { renders: number }).renders = 0;
				new MutationObserver(() => (window as unknown as { renders: number }).renders++).observe(body, { childList: true });
			});

			const deltaCount = 400;
			await page.evaluate((count) => {
				for (let index = 0; index < count; index++) {
					const delta = { type: 'message/delta', conversationId: 'conv-1', messageId: 'a1', text: `word${index} ` };
					window.postMessage(delta, '*');
				}
			}, deltaCount);
			await page.locator('[data-message-id="a1"]', { hasText: `word${deltaCount - 1}` }).waitFor();

			const renders = await page.evaluate(() => (window as unknown as { renders: number }).renders);
			assert.ok(renders >= 1, 'the reply was never rendered');
			assert.ok(renders < deltaCount / 4, `rendered ${renders} times for ${deltaCount} deltas`);
		});
	});

	it('Stop posts chat/stop while busy', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const stop = page.getByRole('button', { name: 'Stop' });
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			assert.equal(await stop.isVisible(), false);

			await chat.send({ type: 'busy/changed', conversationId, busy: true });
			await stop.waitFor({ state: 'visible' });
			assert.equal(await stop.isEnabled(), true);
			assert.equal(await page.getByRole('button', { name: 'Send' }).isEnabled(), false);
			await stop.click();
			assert.deepEqual(await chat.readPosted('chat/stop'), [{ type: 'chat/stop', conversationId }]);

			await chat.send({ type: 'busy/changed', conversationId, busy: false });
			await stop.waitFor({ state: 'hidden' });
			assert.equal(await page.locator('#stop').isDisabled(), true);
		});
	});

	it('Escape posts chat/stop while busy', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			await page.locator('#messages').click();
			await page.keyboard.press('Escape');
			assert.deepEqual(await chat.readPosted('chat/stop'), []);

			await chat.send({ type: 'busy/changed', conversationId, busy: true });
			await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'visible' });
			await page.keyboard.press('Escape');
			assert.deepEqual(await chat.readPosted('chat/stop'), [{ type: 'chat/stop', conversationId }]);

			await page.locator('#input').focus();
			await page.keyboard.press('Escape');
			assert.equal((await chat.readPosted('chat/stop')).length, 2);
		});
	});

	it('Enter sends, Shift+Enter adds line', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			const input = page.getByRole('textbox', { name: 'Message to the model' });
			await input.click();
			await page.keyboard.type('first line');
			await page.keyboard.press('Shift+Enter');
			await page.keyboard.type('second line');
			assert.equal(await input.inputValue(), 'first line\nsecond line');
			assert.deepEqual(await chat.readPosted('chat/send'), []);

			await page.keyboard.press('Enter');
			assert.deepEqual(await chat.readPosted('chat/send'), [
				{ type: 'chat/send', conversationId, text: 'first line\nsecond line' },
			]);
			assert.equal(await input.inputValue(), '');
			const drafts = await chat.readPosted('draft/changed');
			assert.equal(drafts.at(-1)?.text, '');
		});
	});

	it('hostile model output stays inert', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const payloads = [
				`<script>window.chatTestRecord.injected = 'script'</script>`,
				`<img src=x onerror="window.chatTestRecord.injected = 'img'">`,
				`[click me](javascript:window.chatTestRecord.injected='link')`,
				`<a href="javascript:window.chatTestRecord.injected='anchor'">anchor</a>`,
				`<javascript:window.chatTestRecord.injected='autolink'>`,
				`<iframe src="javascript:parent.chatTestRecord.injected='iframe'"></iframe>`,
				`<iframe srcdoc="<script>parent.chatTestRecord.injected='srcdoc'</script>"></iframe>`,
				`<!-- <img src=x onerror="window.chatTestRecord.injected='comment'"> -->`,
				`<style>body { display: none } @import url(https://evil.invalid/x.css);</style>`,
				`<svg onload="window.chatTestRecord.injected='svg'"></svg>`,
				`<details open ontoggle="window.chatTestRecord.injected='details'">x</details>`,
				`![pixel](https://evil.invalid/track.png?secret=1)`,
				`![inline](data:image/svg+xml,<svg onload="window.chatTestRecord.injected='data'">)`,
				`[file](file:///etc/passwd) [data](data:text/html,<script>alert(1)</script>)`,
				'[safe](https://example.invalid/docs) and <mailto:someone@example.invalid>',
			];
			const content = payloads.join('\n\n');
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [createMessage({ id: 'a1', role: 'assistant', status: 'streaming' })],
				}),
				busy: true,
			});
			// Stream in small pieces so that half-finished tags reach the renderer too.
			const pieces = content.match(/[\s\S]{1,7}/g) ?? [];
			await chat.send(...pieces.map((text) => createDelta('a1', text)));
			await chat.send({
				type: 'message/update',
				conversationId,
				message: createMessage({ id: 'a1', role: 'assistant', content, status: 'done' }),
			});
			await chat.waitForMessageIdle('a1');
			await page.waitForTimeout(200);

			const log = page.locator('#messages');
			const record = await chat.readRecord();
			assert.equal(record.injected, undefined);
			for (const tag of ['script', 'img', 'iframe', 'style', 'svg', 'details', 'object', 'embed']) {
				assert.equal(await log.locator(tag).count(), 0, `<${tag}> reached the DOM`);
			}
			assert.equal(await log.locator('[onerror], [onload], [ontoggle], [style]').count(), 0);

			const hrefs = await log.locator('a').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
			assert.ok(hrefs.length > 0);
			for (const href of hrefs) {
				assert.match(href ?? '', /^(https?|mailto):/, `unexpected link ${href}`);
			}
			assert.ok(hrefs.includes('https://example.invalid/docs'));
			assert.ok(hrefs.includes('mailto:someone@example.invalid'));
			assert.ok(hrefs.includes('https://evil.invalid/track.png?secret=1'), 'the image did not become a link');

			const text = (await log.textContent()) ?? '';
			assert.ok(text.includes(`<script>window.chatTestRecord.injected = 'script'</script>`));
			assert.ok(text.includes('<iframe src='));
			assert.ok(text.includes('<!-- <img src=x'));
			assert.equal(await page.locator('body').isVisible(), true);
		});
	});

	it('bidi controls render as marked escapes', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const content = 'Run evil\u202Eexe.txt\u202C now.\n\n[safe\u2067link\u2069](https://example.invalid/a)\n\n`code\u202Dx`';
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [
						createMessage({ id: 'u1', role: 'user', content: 'Name \u202Bfile' }),
						createMessage({ id: 'a1', role: 'assistant', content }),
					],
				}),
				busy: false,
			});
			const body = page.locator('[data-message-id="a1"] .message-body');
			await body.locator('a').waitFor();
			const text = (await body.textContent()) ?? '';
			assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069]/);
			assert.match(text, /evil⟨U\+202E⟩exe\.txt⟨U\+202C⟩ now\./);
			assert.equal(await body.locator('a').textContent(), 'safe⟨U+2067⟩link⟨U+2069⟩');
			assert.equal(await body.locator('code').textContent(), 'code⟨U+202D⟩x');
			assert.equal(await body.locator('.bidi-control').count(), 5);
			const userText = await page.locator('[data-message-id="u1"] .message-body').textContent();
			assert.equal(userText, 'Name ⟨U+202B⟩file');
		});
	});

	it('long notice shows all on request', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const message = `Server error: ${'<html><body>Internal error</body></html> '.repeat(100)}end of page`;
			await chat.send({ type: 'notice/show', notice: { severity: 'error', message, actions: [] } });
			const text = page.locator('.notice-message .capped-text');
			await text.waitFor();
			assert.equal((await text.textContent())?.length, 501);
			assert.equal(message.startsWith(((await text.textContent()) ?? '').slice(0, -1)), true);

			const toggle = page.getByRole('button', { name: 'Show all' });
			assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
			await toggle.click();
			assert.equal(await text.textContent(), message);
			const less = page.getByRole('button', { name: 'Show less' });
			assert.equal(await less.getAttribute('aria-expanded'), 'true');
			await less.click();
			assert.equal((await text.textContent())?.length, 501);

			await chat.send({ type: 'notice/show', notice: { severity: 'error', message: 'Short error.', actions: [] } });
			await page.locator('.notice-message', { hasText: 'Short error.' }).waitFor();
			assert.equal(await page.getByRole('button', { name: 'Show all' }).count(), 0);
		});
	});

	it('draft survives page reload', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			const input = page.locator('#input');
			await input.click();
			await page.keyboard.type('half-written question');
			await chat.reload();

			assert.equal(await input.inputValue(), 'half-written question');
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({ draft: 'older host draft', updatedAt: baseTime }),
				busy: false,
			});
			await page.waitForFunction(() => window.chatTestRecord.posted.some((m) => m.type === 'draft/changed'));
			assert.equal(await input.inputValue(), 'half-written question');
			assert.deepEqual(await chat.readPosted('draft/changed'), [
				{ type: 'draft/changed', conversationId, text: 'half-written question' },
			]);
		});
	});

	it('newer host draft replaces local', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			await page.locator('#input').fill('typed here earlier');
			await chat.reload();

			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({ draft: 'edited in another window', updatedAt: Date.now() + 60_000 }),
				busy: false,
			});
			await page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('#input')?.value.startsWith('edited'));
			assert.equal(await page.locator('#input').inputValue(), 'edited in another window');
		});
	});

	it('draft posts debounced and on blur', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({ type: 'conversation/show', conversation: createConversation(), busy: false });
			await page.locator('#input').click();
			await page.keyboard.type('abc', { delay: 20 });
			assert.deepEqual(await chat.readPosted('draft/changed'), []);

			await chat.waitForPosted('draft/changed');
			assert.deepEqual(await chat.readPosted('draft/changed'), [{ type: 'draft/changed', conversationId, text: 'abc' }]);

			await page.keyboard.type('d');
			await page.getByRole('button', { name: 'New Chat' }).focus();
			const lastDraft = (await chat.readPosted('draft/changed')).at(-1);
			assert.deepEqual(lastDraft, { type: 'draft/changed', conversationId, text: 'abcd' });
		});
	});

	it('New Chat posts chat/new', async () => {
		await withPage(async (chat) => {
			await chat.page.getByRole('button', { name: 'New Chat' }).click();
			assert.deepEqual(await chat.readPosted('chat/new'), [{ type: 'chat/new' }]);
		});
	});

	it('meter shows numbers and level', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			const label = page.locator('#meter-label');
			await chat.send({ type: 'meter/update', meter: { ...meterBase, level: 'warning' } });
			await page.locator('#meter').waitFor();

			assert.equal(await label.textContent(), '1,284 + 512 reserved / 128,000 tokens (o200k_base)');
			assert.equal(await page.locator('#meter-source').textContent(), 'Window from catalog');
			assert.equal(await page.locator('#meter-model').textContent(), 'gpt-4o-mini');
			assert.equal(await page.locator('#meter-estimated').isVisible(), true);
			assert.equal(await page.locator('#meter').getAttribute('data-level'), 'warning');
			assert.equal(await label.evaluate((element) => getComputedStyle(element).color), themeColors.warning);

			const bar = page.getByRole('meter', { name: 'Context window use' });
			assert.equal(await bar.getAttribute('aria-valuenow'), '1796');
			assert.equal(await bar.getAttribute('aria-valuemax'), '128000');
			const widths = await bar.locator('.meter-segment').evaluateAll((segments) =>
				segments.map((segment) => segment.getBoundingClientRect().width),
			);
			const barWidth = await bar.evaluate((element) => element.clientWidth);
			assert.equal(widths.length, 4);
			assert.ok(Math.abs(widths[1] - (1000 / 128_000) * barWidth) < 0.5, `history segment is ${widths[1]}px`);
			assert.ok(Math.abs(widths[3] - (512 / 128_000) * barWidth) < 0.5, `reserved segment is ${widths[3]}px`);

			const overMeter: ContextMeter = { ...meterBase, exact: true, historyTokens: 130_000, level: 'over' };
			await chat.send({ type: 'meter/update', meter: overMeter });
			await page.waitForFunction(() => document.querySelector('#meter')?.getAttribute('data-level') === 'over');
			assert.equal(await label.textContent(), '130,284 + 512 reserved / 128,000 tokens (o200k_base)');
			assert.equal(await label.evaluate((element) => getComputedStyle(element).color), themeColors.error);
			assert.equal(await page.locator('#meter-estimated').isVisible(), false);
		});
	});

	it('meter without known window', async () => {
		await withPage(async (chat) => {
			await chat.send({
				type: 'meter/update',
				meter: { ...meterBase, contextWindow: undefined, windowSource: 'unknown', tokenizer: 'cl100k_base' },
			});
			const label = chat.page.locator('#meter-label');
			await label.waitFor();
			assert.equal(await label.textContent(), '1,284 + 512 reserved tokens (cl100k_base), context window unknown');
		});
	});

	it('notice action posts command/run', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({
				type: 'notice/show',
				notice: {
					severity: 'error',
					message: 'LLM Lab could not reach Ollama at http://127.0.0.1:11434. Start Ollama or change the endpoint.',
					actions: [
						{ label: 'Open Settings', command: 'workbench.action.openSettings', args: ['llmLab.providers'] },
						{ label: 'Show Log', command: 'llmLab.showLog' },
					],
				},
			});
			const alert = page.getByRole('alert');
			await alert.waitFor();
			assert.match((await alert.textContent()) ?? '', /could not reach Ollama/);

			await page.getByRole('button', { name: 'Open Settings' }).click();
			await page.getByRole('button', { name: 'Show Log' }).click();
			assert.deepEqual(await chat.readPosted('command/run'), [
				{ type: 'command/run', command: 'workbench.action.openSettings', args: ['llmLab.providers'] },
				{ type: 'command/run', command: 'llmLab.showLog' },
			]);

			await chat.send({ type: 'notice/clear' });
			await alert.waitFor({ state: 'detached' });
		});
	});

	it('message footer shows stats and status', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [
						createMessage({ id: 'u1', role: 'user', content: 'Summarise the log.' }),
						createMessage({
							id: 'a1',
							role: 'assistant',
							content: 'The log shows',
							status: 'stopped',
							notice: 'Stopped by the user.',
							stats: {
								promptTokens: 1204,
								completionTokens: 356,
								estimated: true,
								latencyMs: 2400,
								firstTokenMs: 310,
								costUsd: 0.0021,
							},
						}),
					],
				}),
				busy: false,
			});
			const footer = page.locator('[data-message-id="a1"] .message-footer');
			await footer.waitFor();
			assert.equal(await footer.locator('.status-marker').textContent(), 'Stopped');
			assert.equal(await footer.locator('.stat-tokens').textContent(), '1,204 prompt + 356 completion tokens (estimated)');
			assert.equal(await footer.locator('.estimated').textContent(), '(estimated)');
			assert.equal(await footer.locator('.stat-latency').textContent(), '2.4 s total');
			assert.equal(await footer.locator('.stat-first-token').textContent(), 'first token 310 ms');
			assert.equal(await footer.locator('.stat-cost').textContent(), '$0.0021');
			assert.equal(await page.locator('[data-message-id="a1"] .message-notice').textContent(), 'Stopped by the user.');

			await footer.getByRole('button', { name: 'Retry' }).click();
			assert.deepEqual(await chat.readPosted('chat/retry'), [{ type: 'chat/retry', conversationId }]);
		});
	});

	it('provider usage omits estimated', async () => {
		await withPage(async (chat) => {
			await chat.send({
				type: 'conversation/show',
				conversation: createConversation({
					messages: [
						createMessage({
							id: 'a1',
							role: 'assistant',
							content: 'Done.',
							stats: { promptTokens: 10, completionTokens: 2, estimated: false },
						}),
					],
				}),
				busy: false,
			});
			const tokens = chat.page.locator('[data-message-id="a1"] .stat-tokens');
			await tokens.waitFor();
			assert.equal(await tokens.textContent(), '10 prompt + 2 completion tokens');
		});
	});

	it('page exposes accessible roles', async () => {
		await withPage(async (chat) => {
			const log = chat.page.getByRole('log', { name: 'Conversation' });
			assert.equal(await log.getAttribute('aria-live'), 'polite');
			for (const name of ['New Chat', 'Send']) {
				assert.equal(await chat.page.getByRole('button', { name }).count(), 1, `no button named ${name}`);
			}
		});
	});

	it('realistic conversation screenshot', async () => {
		await withPage(async (chat) => {
			const { page } = chat;
			await chat.send(
				{
					type: 'conversation/show',
					conversation: createConversation({
						messages: [
							createMessage({ id: 'u1', role: 'user', content: 'How do I count tokens for a prompt before I send it?' }),
							createMessage({
								id: 'a1',
								role: 'assistant',
								model: 'ollama:qwen3:4b',
								content: [
									'Use the tokenizer that matches the model. For OpenAI models that is **o200k_base**:',
									'',
									'```ts',
									"import { encode } from 'gpt-tokenizer';",
									'',
									"const count = encode('Hello, world').length;",
									'```',
									'',
									'- Local models ship their vocabulary in the GGUF file.',
									'- See the [tiktoken README](https://example.invalid/tiktoken) for details.',
								].join('\n'),
								stats: { promptTokens: 1204, completionTokens: 96, estimated: true, latencyMs: 2400, firstTokenMs: 310 },
							}),
							createMessage({ id: 'u2', role: 'user', content: 'And for a whole conversation?' }),
							createMessage({
								id: 'a2',
								role: 'assistant',
								model: 'ollama:qwen3:4b',
								status: 'stopped',
								notice: 'Stopped by the user.',
								content: 'Add up each message, plus a few tokens of framing per message',
								stats: { promptTokens: 1336, completionTokens: 14, estimated: false, latencyMs: 900, firstTokenMs: 280 },
							}),
						],
					}),
					busy: false,
				},
				{ type: 'meter/update', meter: { ...meterBase, modelLabel: 'qwen3:4b', historyTokens: 1350, level: 'ok' } },
				{
					type: 'notice/show',
					notice: {
						severity: 'info',
						message: 'LLM Lab counts tokens locally; figures marked estimated use an approximate tokenizer.',
						actions: [{ label: 'Choose Model', command: 'llmLab.selectModel' }],
					},
				},
			);
			await page.locator('[data-message-id="a2"] .message-footer').waitFor();
			await page.locator('#input').fill('Can the meter warn me before the window fills up?');
			await page.locator('[data-message-id="a1"] .code-block').hover();
			const distanceFromEnd = await page
				.locator('#messages')
				.evaluate((log) => log.scrollHeight - log.scrollTop - log.clientHeight);
			assert.ok(distanceFromEnd < 2, `the conversation is ${distanceFromEnd}px short of its end`);
			await page.screenshot({ path: '/tmp/chat-view.png' });
		}, { width: 440, height: 940 });
	});
});
