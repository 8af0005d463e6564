import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Conversation } from '../../src/core/chat/conversation';
import { ConversationStore, INTERRUPTED_NOTICE } from '../../src/core/chat/store';

async function tempDir(): Promise<string> {
	return fs.mkdtemp(path.join(os.tmpdir(), 'llm-lab-store-'));
}

function conversation(id: string, updatedAt: number): Conversation {
	return { id, title: id, messages: [], draft: '', createdAt: 0, updatedAt };
}

test('store round-trips conversations newest first', async () => {
	const dir = await tempDir();
	const store = new ConversationStore(dir);
	await store.save(conversation('older', 1));
	await store.save({ ...conversation('newer', 2), draft: 'half-typed question' });
	const loaded = await new ConversationStore(dir).loadAll();
	assert.deepEqual(
		loaded.map((entry) => entry.id),
		['newer', 'older'],
	);
	assert.equal(loaded[0].draft, 'half-typed question');
});

test('store marks a reply interrupted by reload as stopped', async () => {
	const dir = await tempDir();
	const store = new ConversationStore(dir);
	const value = conversation('c1', 1);
	value.messages.push(
		{ id: 'u', role: 'user', content: 'Hi', status: 'done', createdAt: 0 },
		{ id: 'a', role: 'assistant', content: 'Partial rep', status: 'streaming', createdAt: 0 },
	);
	store.scheduleSave(value);
	await store.flush();
	const [loaded] = await new ConversationStore(dir).loadAll();
	assert.equal(loaded.messages[1].status, 'stopped');
	assert.equal(loaded.messages[1].content, 'Partial rep');
	assert.equal(loaded.messages[1].notice, INTERRUPTED_NOTICE);
});

test('store writes the latest scheduled state', async () => {
	const dir = await tempDir();
	const store = new ConversationStore(dir);
	const value = conversation('c2', 1);
	for (let index = 0; index < 50; index++) {
		value.draft = `draft ${index}`;
		store.scheduleSave(value);
	}
	await store.flush();
	const [loaded] = await store.loadAll();
	assert.equal(loaded.draft, 'draft 49');
	const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'));
	assert.deepEqual(leftovers, []);
});

test('store skips a corrupt file and keeps the rest', async () => {
	const dir = await tempDir();
	await fs.writeFile(path.join(dir, 'broken.json'), '{"id": "broken", ');
	const store = new ConversationStore(dir);
	await store.save(conversation('good', 1));
	const loaded = await store.loadAll();
	assert.deepEqual(
		loaded.map((entry) => entry.id),
		['good'],
	);
});

test('store rejects ids that could escape its folder', async () => {
	const store = new ConversationStore(await tempDir());
	await assert.rejects(store.save(conversation('../evil', 1)), /Invalid conversation id/);
});
