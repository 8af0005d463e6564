/**
 * Conversations on disk: one JSON file per conversation, written to a temporary file and renamed over the old one so
 * that a crash or reload mid-write never leaves a half-written file.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../logger';
import type { Conversation } from './conversation';

/** Notice put on a reply that was still streaming when the window closed. */
export const INTERRUPTED_NOTICE = 'Stopped: the window was closed or reloaded while this reply was streaming.';

/** Delay between writes of a conversation whose reply is streaming, in milliseconds. */
const STREAMING_SAVE_INTERVAL_MS = 250;

export class ConversationStore {
	private readonly pending = new Map<string, Conversation>();
	private readonly writes = new Map<string, Promise<void>>();
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly directory: string,
		private readonly logger?: Logger,
	) {}

	/** Loads every stored conversation, newest first. A reply that was streaming when it was saved is marked stopped. */
	async loadAll(): Promise<Conversation[]> {
		let names: string[];
		try {
			names = await fs.readdir(this.directory);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return [];
			}
			throw error;
		}
		const conversations: Conversation[] = [];
		for (const name of names.filter((entry) => entry.endsWith('.json'))) {
			const file = path.join(this.directory, name);
			try {
				const conversation = JSON.parse(await fs.readFile(file, 'utf8')) as Conversation;
				conversations.push(markInterrupted(conversation));
			} catch (error) {
				this.logger?.error(`Skipped the unreadable conversation file ${file}: ${String(error)}`);
			}
		}
		return conversations.sort((a, b) => b.updatedAt - a.updatedAt);
	}

	/** Writes a conversation now; writes of one conversation happen in call order. */
	save(conversation: Conversation): Promise<void> {
		this.pending.delete(conversation.id);
		const snapshot = JSON.stringify(conversation);
		const previous = this.writes.get(conversation.id) ?? Promise.resolve();
		const write = previous.then(
			() => this.writeFile(conversation.id, snapshot),
			() => this.writeFile(conversation.id, snapshot),
		);
		this.writes.set(conversation.id, write);
		const forget = () => {
			if (this.writes.get(conversation.id) === write) {
				this.writes.delete(conversation.id);
			}
		};
		// The caller handles a failed write through the returned promise; this only clears the bookkeeping.
		write.then(forget, forget);
		return write;
	}

	/** Schedules a write at most every few hundred milliseconds, for replies that grow chunk by chunk. */
	scheduleSave(conversation: Conversation): void {
		this.pending.set(conversation.id, conversation);
		if (!this.timer) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				void this.flush();
			}, STREAMING_SAVE_INTERVAL_MS);
		}
	}

	/** Writes every scheduled conversation and waits for all writes to finish. */
	async flush(): Promise<void> {
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		const scheduled = [...this.pending.values()];
		await Promise.all(scheduled.map((conversation) => this.save(conversation)));
		await Promise.all([...this.writes.values()]);
	}

	async delete(id: string): Promise<void> {
		this.pending.delete(id);
		await this.writes.get(id);
		await fs.rm(this.fileOf(id), { force: true });
	}

	private fileOf(id: string): string {
		if (!/^[A-Za-z0-9_-]+$/.test(id)) {
			throw new Error(`Invalid conversation id ${JSON.stringify(id)}: only letters, digits, '-' and '_' are allowed.`);
		}
		return path.join(this.directory, `${id}.json`);
	}

	private async writeFile(id: string, text: string): Promise<void> {
		const file = this.fileOf(id);
		const temporary = `${file}.${process.pid}.tmp`;
		try {
			await fs.mkdir(this.directory, { recursive: true });
			await fs.writeFile(temporary, text, 'utf8');
			await fs.rename(temporary, file);
		} catch (error) {
			this.logger?.error(`Failed to save conversation ${id} to ${file}: ${String(error)}`);
			throw error;
		}
	}
}

function markInterrupted(conversation: Conversation): Conversation {
	for (const message of conversation.messages) {
		if (message.status === 'streaming') {
			message.status = 'stopped';
			message.finishReason = 'cancelled';
			message.notice = INTERRUPTED_NOTICE;
		}
	}
	return conversation;
}
