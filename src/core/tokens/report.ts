/** The workspace token report's tree: folders and files ranked by tokens, with totals against a context window. */

import { formatShare, formatWindow } from '../format';

/** Reason a file was not counted. */
export type SkipReason = 'binary' | 'tooLarge' | 'unreadable';

/** One file of the report. */
export interface ReportFile {
	/** Path relative to the report's root, with `/` separators. */
	path: string;
	/** Size in bytes. */
	bytes: number;
	/** Token count, or undefined while it is being counted or when the file was skipped. */
	tokens?: number;
	skipped?: SkipReason;
}

/** A folder or file in the report's tree. */
export interface ReportNode {
	kind: 'folder' | 'file';
	name: string;
	/** Path relative to the root, with `/` separators. Empty for the root. */
	path: string;
	/** Tokens of the file, or of every counted file under the folder. */
	tokens: number;
	/** Files counted under the folder (1 or 0 for a file). */
	counted: number;
	/** Files not counted yet under the folder. */
	pending: number;
	/** Files skipped under the folder. */
	skipped: number;
	/** Reason a file was skipped. */
	skipReason?: SkipReason;
	/** Children, most tokens first, skipped files last. */
	children: ReportNode[];
}

/** Builds the tree of `files` under a root folder named `rootName`, ranking each folder's children by tokens. */
export function buildReportTree(rootName: string, files: Iterable<ReportFile>): ReportNode {
	const root = folderNode(rootName, '');
	const folders = new Map<string, ReportNode>([['', root]]);
	for (const file of files) {
		const parts = file.path.split('/');
		let parent = root;
		for (let depth = 1; depth < parts.length; depth++) {
			const path = parts.slice(0, depth).join('/');
			let folder = folders.get(path);
			if (!folder) {
				folder = folderNode(parts[depth - 1], path);
				folders.set(path, folder);
				parent.children.push(folder);
			}
			parent = folder;
		}
		parent.children.push(fileNode(parts[parts.length - 1], file));
	}
	total(root);
	return root;
}

/**
 * Describes how `tokens` compare with a context window: `fits in 128k (12%)` or `3.2× the 128k window`. Returns
 * undefined when the window is unknown.
 */
export function describeFit(tokens: number, contextWindow: number | undefined): string | undefined {
	if (!contextWindow || contextWindow <= 0) {
		return undefined;
	}
	const window = formatWindow(contextWindow);
	if (tokens <= contextWindow) {
		return `fits in ${window} (${formatShare(tokens, contextWindow)})`;
	}
	const ratio = tokens / contextWindow;
	return `${ratio < 10 ? ratio.toFixed(1) : Math.round(ratio).toLocaleString('en-US')}× the ${window} window`;
}

/** Describes why a file was skipped, for the tree. */
export function describeSkipReason(reason: SkipReason, maxFileBytes?: number): string {
	switch (reason) {
		case 'binary':
			return 'skipped: binary';
		case 'tooLarge':
			return maxFileBytes ? `skipped: over ${Math.round(maxFileBytes / 1024).toLocaleString('en-US')} KB` : 'skipped: too large';
		case 'unreadable':
			return 'skipped: unreadable';
	}
}

function folderNode(name: string, path: string): ReportNode {
	return { kind: 'folder', name, path, tokens: 0, counted: 0, pending: 0, skipped: 0, children: [] };
}

function fileNode(name: string, file: ReportFile): ReportNode {
	const counted = file.tokens !== undefined;
	return {
		kind: 'file',
		name,
		path: file.path,
		tokens: file.tokens ?? 0,
		counted: counted ? 1 : 0,
		pending: !counted && !file.skipped ? 1 : 0,
		skipped: file.skipped ? 1 : 0,
		skipReason: file.skipped,
		children: [],
	};
}

/** Adds up each folder's children and sorts them: most tokens first, skipped files last, then by name. */
function total(node: ReportNode): void {
	if (node.kind === 'file') {
		return;
	}
	for (const child of node.children) {
		total(child);
		node.tokens += child.tokens;
		node.counted += child.counted;
		node.pending += child.pending;
		node.skipped += child.skipped;
	}
	node.children.sort(
		(a, b) =>
			Number(a.skipReason !== undefined) - Number(b.skipReason !== undefined) ||
			b.tokens - a.tokens ||
			a.name.localeCompare(b.name),
	);
}
