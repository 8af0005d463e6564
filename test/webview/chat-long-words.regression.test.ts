import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ChatPage, ChatPageServer } from './chatPage';

// Error messages quote URLs verbatim, and a long URL has no space for the browser to break the line at.
const longUrl = `http://127.0.0.1:9779/v1/chat/completions?${'z'.repeat(400)}`;
const errorText = `${longUrl} failed the request for model "gpt-4o-mini" (HTTP 500). Retry, or check the server's log.`;

/** Returns how many pixels the element's content overflows past its right edge. */
async function readOverflow(chat: ChatPage, selector: string): Promise<number> {
	const element = chat.page.locator(selector).first();
	await element.waitFor();
	return element.evaluate((node) => node.scrollWidth - node.clientWidth);
}

describe('chat view with long unbroken words', () => {
	let server: ChatPageServer;
	let chat: ChatPage;

	before(async () => {
		server = await ChatPageServer.start();
		chat = await server.open({ width: 300, height: 720 });
	});

	after(async () => {
		await chat?.close();
		await server?.close();
	});

	it('notice wraps a long URL', async () => {
		await chat.send({ type: 'notice/show', notice: { severity: 'error', message: errorText, actions: [] } });
		assert.equal(await readOverflow(chat, '.notice-message'), 0);
	});

	it('message notice wraps a long URL', async () => {
		await chat.send({
			type: 'conversation/show',
			conversation: {
				id: 'conv-1',
				title: 'Long words',
				model: 'local:gpt-4o-mini',
				messages: [
					{ id: 'u1', role: 'user', content: 'Hi', status: 'done', createdAt: 0 },
					{ id: 'a1', role: 'assistant', content: '', status: 'error', notice: errorText, createdAt: 0 },
				],
				draft: '',
				createdAt: 0,
				updatedAt: 0,
			},
			busy: false,
		});
		assert.equal(await readOverflow(chat, '[data-message-id="a1"] .message-notice'), 0);
	});
});
