import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation } from '../../src/core/chat/conversation';
import type { HostToWebview } from '../../src/webview/chat/protocol';
import { type ChatPage, ChatPageServer } from './chatPage';

const replySize = 1024 * 1024;
const deltaSize = 8;
const deltasPerFrame = 1024;

/** Builds about `size` characters of Markdown with every kind of block a reply contains. */
function buildLongReply(size: number): string {
	const sections: string[] = [];
	let length = 0;
	for (let index = 0; length < size; index++) {
		const section = [
			`## Section ${index}`,
			'',
			`Paragraph ${index} has **bold**, _emphasis_, \`inline code\`, a [link](https://example.invalid/${index})`,
			`and a bare URL https://example.invalid/bare/${index} on a second line.`,
			'',
			'```ts',
			`const value${index} = ${index};`,
			'',
			'',
			`console.log(value${index});`,
			'```',
			'',
			`- tight item ${index}`,
			'- another tight item',
			'',
			`1. loose item ${index}`,
			'',
			'2. second loose item',
			'',
			'   continued inside the item',
			'',
			'| name | value |',
			'| --- | --- |',
			`| row ${index} | ${index * 3} |`,
			'',
			`> quoted ${index}`,
			'lazy continuation',
			'',
			'    indented code',
			'',
			'    after a blank line',
			'',
			'Setext heading',
			'---',
			'',
		].join('\n');
		sections.push(section);
		length += section.length;
	}
	return sections.join('').slice(0, size);
}

function createConversation(messages: Conversation['messages']): Conversation {
	return { id: 'conv-1', title: 'Long reply', model: 'openai:gpt-4o-mini', messages, draft: '', createdAt: 0, updatedAt: 0 };
}

interface StreamFigures {
	oneShotMs: number;
	streamBusyMs: number;
	worstFrameMs: number;
	frames: number;
	wallMs: number;
	finalMs: number;
	streamedMatches: boolean;
	finalMatches: boolean;
	firstDifference: number;
}

describe('chat view streaming a long reply', () => {
	let server: ChatPageServer;
	let chat: ChatPage;

	before(async () => {
		server = await ChatPageServer.start();
		chat = await server.open();
	});

	after(async () => {
		await chat?.close();
		await server?.close();
	});

	it('1 MB reply renders in time', { timeout: 180_000 }, async () => {
		const reply = buildLongReply(replySize);
		const oneShow: HostToWebview = {
			type: 'conversation/show',
			conversation: createConversation([{ id: 'r1', role: 'assistant', content: reply, status: 'done', createdAt: 0 }]),
			busy: false,
		};
		const streamShow: HostToWebview = {
			type: 'conversation/show',
			conversation: createConversation([{ id: 'a1', role: 'assistant', content: '', status: 'streaming', createdAt: 0 }]),
			busy: true,
		};

		// tsx wraps named functions in a `__name` helper that exists only in Node, so the page gets a stand-in.
		await chat.page.evaluate('window.__name = (target) => target');
		const figures = await chat.page.evaluate(
			async ({ reply, oneShow, streamShow, deltaSize, deltasPerFrame }): Promise<StreamFigures> => {
				// dispatchEvent runs the page's handler synchronously, so the time around it is the render's time.
				const dispatch = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }));
				// Callbacks run in the order they were requested, so this one runs after the list's render and
				// returns how long that frame's earlier callbacks took.
				const waitForFrame = () =>
					new Promise<number>((resolve) => requestAnimationFrame((frameStart) => resolve(performance.now() - frameStart)));
				const readBody = (id: string) => document.querySelector(`[data-message-id="${id}"] .message-body`)?.innerHTML ?? '';

				const oneShotStart = performance.now();
				dispatch(oneShow);
				const oneShotMs = performance.now() - oneShotStart;
				const expected = readBody('r1');
				dispatch(streamShow);
				await waitForFrame();

				let streamBusyMs = 0;
				let worstFrameMs = 0;
				let frames = 0;
				const wallStart = performance.now();
				for (let offset = 0; offset < reply.length; offset += deltaSize * deltasPerFrame) {
					const batchStart = performance.now();
					const batchEnd = Math.min(reply.length, offset + deltaSize * deltasPerFrame);
					for (let position = offset; position < batchEnd; position += deltaSize) {
						const text = reply.slice(position, Math.min(batchEnd, position + deltaSize));
						dispatch({ type: 'message/delta', conversationId: 'conv-1', messageId: 'a1', text });
					}
					const frameMs = performance.now() - batchStart + (await waitForFrame());
					streamBusyMs += frameMs;
					worstFrameMs = Math.max(worstFrameMs, frameMs);
					frames++;
				}
				const wallMs = performance.now() - wallStart;
				const streamed = readBody('a1');

				const finalStart = performance.now();
				dispatch({
					type: 'message/update',
					conversationId: 'conv-1',
					message: { id: 'a1', role: 'assistant', content: reply, status: 'done', createdAt: 0 },
				});
				const finalMs = performance.now() - finalStart + (await waitForFrame());
				const final = readBody('a1');

				let firstDifference = -1;
				for (let index = 0; index < Math.max(streamed.length, expected.length); index++) {
					if (streamed[index] !== expected[index]) {
						firstDifference = index;
						break;
					}
				}
				return {
					oneShotMs,
					streamBusyMs,
					worstFrameMs,
					frames,
					wallMs,
					finalMs,
					streamedMatches: streamed === expected,
					finalMatches: final === expected,
					firstDifference,
				};
			},
			{ reply, oneShow, streamShow, deltaSize, deltasPerFrame },
		);

		const round = (value: number) => Math.round(value);
		console.log(
			`1 MB reply in ${round(reply.length / deltaSize)} deltas of ${deltaSize} characters over ${figures.frames} frames: ` +
				`one-shot render ${round(figures.oneShotMs)} ms, streaming busy ${round(figures.streamBusyMs)} ms ` +
				`(worst frame ${round(figures.worstFrameMs)} ms, wall ${round(figures.wallMs)} ms), ` +
				`final update ${round(figures.finalMs)} ms`,
		);
		assert.equal(figures.firstDifference, -1, 'streamed DOM differs from a one-shot render');
		assert.equal(figures.streamedMatches, true);
		assert.equal(figures.finalMatches, true);
		// Rendering each frame's new text once costs about one render of the whole reply, but the browser still lays
		// out the whole message in every frame. Rendering the whole message in every frame took about frames / 2
		// times the one-shot render, 64 times here.
		const busyLimit = 10 * figures.oneShotMs;
		assert.ok(figures.streamBusyMs < busyLimit, `streaming took ${round(figures.streamBusyMs)} ms, limit ${round(busyLimit)} ms`);
		assert.ok(
			figures.worstFrameMs < figures.oneShotMs + 100,
			`one frame took ${round(figures.worstFrameMs)} ms, a one-shot render ${round(figures.oneShotMs)} ms`,
		);
	});
});
