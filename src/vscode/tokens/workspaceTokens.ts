import * as vscode from 'vscode';
import { GitignoreRules } from '../../core/files/gitignore';
import { decodeText, looksBinary } from '../../core/files/textContent';
import type { Logger } from '../../core/logger';
import type { TokenizerKey } from '../../core/tokens/protocol';
import type { ReportFile, SkipReason } from '../../core/tokens/report';
import type { TokenCounter } from '../tokenCounter';

/** Maximum number of files listed per workspace folder. The report names the folders that have more. */
export const MAX_FILES_PER_FOLDER = 20_000;
/** Files counted at the same time. More would make the status bar's counts wait behind the report's in the worker. */
const CONCURRENT_COUNTS = 2;
/** Delay after the last file event before recounting, in milliseconds. */
const WATCH_DELAY_MS = 300;

interface FileRecord {
	uri: vscode.Uri;
	folder: vscode.WorkspaceFolder;
	/** Path relative to the workspace folder, with `/` separators. */
	path: string;
	bytes: number;
	/** Modification time of the counted content, in milliseconds since the epoch. */
	mtime: number;
	/** Counts of the content at `mtime`, per encoding. */
	tokens: Map<TokenizerKey, number>;
	skipped?: SkipReason;
}

/** Progress of a count run. */
export interface CountProgress {
	done: number;
	total: number;
}

/**
 * Token counts of every workspace file that git and `files.exclude` do not exclude, kept current: a file event
 * recounts only the files it names, and a counted file is counted again only when its size or modification time
 * changes. Counting runs in the token worker, a few files at a time, and stops when the run is cancelled.
 */
export class WorkspaceTokenCounts implements vscode.Disposable {
	private readonly records = new Map<string, FileRecord>();
	private readonly gitignores = new Map<string, GitignoreRules>();
	/** Workspace folders whose listing reached `MAX_FILES_PER_FOLDER`. */
	private readonly truncatedFolders = new Set<string>();
	private readonly queue = new Set<string>();
	private readonly changed = new vscode.EventEmitter<CountProgress | undefined>();
	/** Fires after files were counted, listed or removed, with the progress of the run when one is going on. */
	readonly onDidChange = this.changed.event;
	private readonly disposables: vscode.Disposable[] = [this.changed];
	private watcher: vscode.FileSystemWatcher | undefined;
	private watchTimer: ReturnType<typeof setTimeout> | undefined;
	private pendingEvents: { uri: vscode.Uri; kind: 'create' | 'change' | 'delete' }[] = [];
	private rescanNeeded = false;
	private running: Promise<void> | undefined;
	private cancellation: vscode.CancellationTokenSource | undefined;
	private filesCounted = 0;

	constructor(
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
		private encoding: TokenizerKey,
		private readonly maxFileBytes: () => number,
	) {}

	/** Number of files counted since the start, for tests that check that a change recounts only what it touched. */
	countedFileCount(): number {
		return this.filesCounted;
	}

	isRunning(): boolean {
		return this.running !== undefined;
	}

	/** Names of workspace folders with more files than `MAX_FILES_PER_FOLDER`, of which only that many are counted. */
	truncated(): string[] {
		return [...this.truncatedFolders];
	}

	/** Returns the files of a workspace folder with their counts for the current encoding. */
	filesOf(folder: vscode.WorkspaceFolder): ReportFile[] {
		const files: ReportFile[] = [];
		for (const record of this.records.values()) {
			if (record.folder.uri.toString() === folder.uri.toString()) {
				files.push({ path: record.path, bytes: record.bytes, tokens: record.tokens.get(this.encoding), skipped: record.skipped });
			}
		}
		return files;
	}

	/** Lists the workspace again and counts what is new or changed. Resolves when the run ends or is cancelled. */
	async scan(): Promise<void> {
		this.startWatching();
		await this.run(async (token) => {
			await this.listWorkspace(token);
			for (const key of this.records.keys()) {
				this.queue.add(key);
			}
			await this.countQueue(token);
		});
	}

	/** Counts with another tokenizer: files already counted with it keep their counts. */
	async setEncoding(encoding: TokenizerKey): Promise<void> {
		if (encoding === this.encoding) {
			return;
		}
		this.encoding = encoding;
		this.changed.fire(undefined);
		if (!this.watcher) {
			return;
		}
		for (const key of this.records.keys()) {
			this.queue.add(key);
		}
		await this.run((token) => this.countQueue(token));
	}

	/** Stops the run that is going on. Files not counted yet stay pending until the next scan or change. */
	cancel(): void {
		this.cancellation?.cancel();
	}

	/** Resolves when no run is going on and no file event is waiting. */
	async idle(): Promise<void> {
		while (this.running || this.watchTimer) {
			await (this.running?.catch(() => undefined) ?? new Promise((resolve) => setTimeout(resolve, WATCH_DELAY_MS)));
		}
	}

	dispose(): void {
		this.cancellation?.cancel();
		clearTimeout(this.watchTimer);
		this.watcher?.dispose();
		for (const disposable of this.disposables) {
			disposable.dispose();
		}
	}

	/** Runs `work` after the run before it, with a token that `cancel` and `dispose` cancel. */
	private run(work: (token: vscode.CancellationToken) => Promise<void>): Promise<void> {
		// A failed run is logged below, so the next one starts after it either way.
		const previous = (this.running ?? Promise.resolve()).catch(() => undefined);
		const next = previous.then(async () => {
			const source = new vscode.CancellationTokenSource();
			this.cancellation = source;
			try {
				await work(source.token);
			} finally {
				source.dispose();
				if (this.cancellation === source) {
					this.cancellation = undefined;
				}
			}
		});
		const tracked = next.finally(() => {
			if (this.running === tracked) {
				this.running = undefined;
				this.changed.fire(undefined);
			}
		});
		this.running = tracked;
		return tracked.catch((error: unknown) => this.logger.error(`Counting the workspace's tokens failed: ${String(error)}`));
	}

	private startWatching(): void {
		if (this.watcher) {
			return;
		}
		this.watcher = vscode.workspace.createFileSystemWatcher('**/*');
		this.disposables.push(
			this.watcher.onDidCreate((uri) => this.onFileEvent(uri, 'create')),
			this.watcher.onDidChange((uri) => this.onFileEvent(uri, 'change')),
			this.watcher.onDidDelete((uri) => this.onFileEvent(uri, 'delete')),
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('files.exclude') || event.affectsConfiguration('llmLab.tokenReport')) {
					this.rescanNeeded = true;
					this.scheduleEvents();
				}
			}),
			vscode.workspace.onDidChangeWorkspaceFolders(() => {
				this.rescanNeeded = true;
				this.scheduleEvents();
			}),
		);
	}

	private onFileEvent(uri: vscode.Uri, kind: 'create' | 'change' | 'delete'): void {
		// Git writes many files under .git on every commit, and none of them is listed.
		if (uri.path.includes('/.git/') || uri.path.endsWith('/.git')) {
			return;
		}
		if (uri.path.endsWith('/.gitignore')) {
			this.rescanNeeded = true;
		}
		this.pendingEvents.push({ uri, kind });
		this.scheduleEvents();
	}

	private scheduleEvents(): void {
		clearTimeout(this.watchTimer);
		this.watchTimer = setTimeout(() => {
			this.watchTimer = undefined;
			const events = this.pendingEvents;
			this.pendingEvents = [];
			if (this.rescanNeeded) {
				this.rescanNeeded = false;
				void this.scan();
				return;
			}
			void this.run((token) => this.applyEvents(events, token));
		}, WATCH_DELAY_MS);
	}

	private async applyEvents(events: { uri: vscode.Uri; kind: 'create' | 'change' | 'delete' }[], token: vscode.CancellationToken): Promise<void> {
		for (const { uri, kind } of events) {
			const key = uri.toString();
			if (kind === 'delete') {
				this.removeUnder(key);
			} else if (this.records.has(key)) {
				this.queue.add(key);
			} else if (kind === 'create' && (await this.isIncluded(uri, token))) {
				const folder = vscode.workspace.getWorkspaceFolder(uri);
				if (folder) {
					this.records.set(key, newRecord(uri, folder));
					this.queue.add(key);
				}
			}
		}
		this.changed.fire(undefined);
		await this.countQueue(token);
	}

	/** Removes the record of a deleted file, or of every file under a deleted folder. */
	private removeUnder(key: string): void {
		const prefix = `${key}/`;
		for (const recordKey of [...this.records.keys()]) {
			if (recordKey === key || recordKey.startsWith(prefix)) {
				this.records.delete(recordKey);
				this.queue.delete(recordKey);
			}
		}
	}

	/** Reports whether a new file belongs in the report: not ignored by git, and listed despite `files.exclude`. */
	private async isIncluded(uri: vscode.Uri, token: vscode.CancellationToken): Promise<boolean> {
		const folder = vscode.workspace.getWorkspaceFolder(uri);
		if (!folder) {
			return false;
		}
		const path = relativePath(folder, uri);
		if (this.gitignores.get(folder.uri.toString())?.ignores(path)) {
			return false;
		}
		// findFiles applies files.exclude, so a pattern that names the file finds it unless the setting excludes it.
		const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, escapeGlob(path)), undefined, 1, token);
		return found.length > 0;
	}

	private async listWorkspace(token: vscode.CancellationToken): Promise<void> {
		const folders = vscode.workspace.workspaceFolders ?? [];
		const listed = new Set<string>();
		this.truncatedFolders.clear();
		for (const folder of folders) {
			const uris = await this.listFolder(folder, token);
			if (token.isCancellationRequested) {
				return;
			}
			for (const uri of uris) {
				const key = uri.toString();
				listed.add(key);
				if (!this.records.has(key)) {
					this.records.set(key, newRecord(uri, folder));
				}
			}
		}
		for (const key of [...this.records.keys()]) {
			if (!listed.has(key)) {
				this.records.delete(key);
			}
		}
		this.changed.fire(undefined);
	}

	/**
	 * Lists a workspace folder's files that `files.exclude` and `.gitignore` files keep. Top-level folders that git
	 * ignores (such as `node_modules`) are left out of the search pattern, so their files never fill the listing.
	 */
	private async listFolder(folder: vscode.WorkspaceFolder, token: vscode.CancellationToken): Promise<vscode.Uri[]> {
		const rules = new GitignoreRules();
		this.gitignores.set(folder.uri.toString(), rules);
		const ignoreFiles = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), undefined, undefined, token);
		for (const uri of ignoreFiles) {
			const path = relativePath(folder, uri);
			const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
			rules.set(parent, decodeText(await vscode.workspace.fs.readFile(uri)));
		}

		const patterns: string[] = [];
		for (const [name, type] of await vscode.workspace.fs.readDirectory(folder.uri)) {
			if (!(type & vscode.FileType.Directory)) {
				patterns.push(escapeGlob(name));
			} else if (name !== '.git' && !rules.ignoresFolder(name)) {
				patterns.push(`${escapeGlob(name)}/**`);
			}
		}
		if (patterns.length === 0) {
			return [];
		}
		// One search rooted at the workspace folder, with no exclude argument, so files.exclude applies as it does in
		// the Explorer.
		const include = new vscode.RelativePattern(folder, patterns.length === 1 ? patterns[0] : `{${patterns.join(',')}}`);
		const uris = await vscode.workspace.findFiles(include, undefined, MAX_FILES_PER_FOLDER, token);
		if (uris.length >= MAX_FILES_PER_FOLDER) {
			this.truncatedFolders.add(folder.name);
		}
		return uris.filter((uri) => !rules.ignores(relativePath(folder, uri)));
	}

	/** Counts every queued file, a few at a time, until the queue is empty or the run is cancelled. */
	private async countQueue(token: vscode.CancellationToken): Promise<void> {
		const total = this.queue.size;
		let done = 0;
		const next = async (): Promise<void> => {
			while (!token.isCancellationRequested) {
				const key = this.queue.values().next().value;
				if (key === undefined) {
					return;
				}
				this.queue.delete(key);
				const record = this.records.get(key);
				if (record) {
					await this.countFile(record);
				}
				done++;
				this.changed.fire({ done, total: Math.max(total, done + this.queue.size) });
			}
		};
		await Promise.all(Array.from({ length: CONCURRENT_COUNTS }, () => next()));
	}

	/** Counts a file unless its counted content is unchanged; skips binary and oversized files. */
	private async countFile(record: FileRecord): Promise<void> {
		const encoding = this.encoding;
		try {
			const stat = await vscode.workspace.fs.stat(record.uri);
			if (stat.mtime !== record.mtime || stat.size !== record.bytes) {
				record.tokens.clear();
				record.skipped = undefined;
				record.mtime = stat.mtime;
				record.bytes = stat.size;
			}
			if (record.skipped || record.tokens.has(encoding)) {
				return;
			}
			if (stat.size > this.maxFileBytes()) {
				record.skipped = 'tooLarge';
				return;
			}
			const bytes = await vscode.workspace.fs.readFile(record.uri);
			if (looksBinary(bytes)) {
				record.skipped = 'binary';
				return;
			}
			record.tokens.set(encoding, await this.counter.count(decodeText(bytes), encoding));
			this.filesCounted++;
		} catch (error) {
			if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
				this.removeUnder(record.uri.toString());
				return;
			}
			this.logger.warn(`Counting the tokens of ${record.uri.toString()} failed: ${String(error)}`);
			record.skipped = 'unreadable';
		}
	}
}

function newRecord(uri: vscode.Uri, folder: vscode.WorkspaceFolder): FileRecord {
	return { uri, folder, path: relativePath(folder, uri), bytes: -1, mtime: -1, tokens: new Map() };
}

/** Returns the path of `uri` relative to its workspace folder, with `/` separators. */
function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
	const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
	return uri.path.startsWith(base) ? uri.path.slice(base.length) : vscode.workspace.asRelativePath(uri, false);
}

/** Escapes the glob characters of a path, so that a pattern matches that path alone. */
function escapeGlob(path: string): string {
	return path.replace(/[[\]{}*?!,]/g, (character) => `[${character}]`);
}
