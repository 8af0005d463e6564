/**
 * The `.gitignore` rules of a folder tree. Each file's rules apply to paths under its own folder, a deeper file's
 * rules take precedence over a shallower one's, and nothing under an ignored folder can be re-included, as in git.
 * The pattern syntax is the `ignore` package's implementation of git's.
 */

import ignore, { type Ignore } from 'ignore';

export class GitignoreRules {
	/** Rules by the path of the folder that contains the `.gitignore` file: `''` for the root, else `a/b`. */
	private readonly rules = new Map<string, Ignore>();
	private readonly folderResults = new Map<string, boolean>();

	/** Sets the rules of the `.gitignore` file in `folder` (relative, `/` separators, `''` for the root). */
	set(folder: string, content: string): void {
		this.rules.set(folder, ignore().add(content));
		this.folderResults.clear();
	}

	/** Removes the rules of the `.gitignore` file in `folder`. */
	delete(folder: string): void {
		this.rules.delete(folder);
		this.folderResults.clear();
	}

	/** Reports whether the file at `path` (relative to the root, `/` separators) is ignored. */
	ignores(path: string): boolean {
		const parts = path.split('/');
		for (let depth = 1; depth < parts.length; depth++) {
			if (this.folderIgnored(parts.slice(0, depth))) {
				return true;
			}
		}
		return this.matches(parts, false);
	}

	/** Reports whether the folder at `path` (relative to the root, `/` separators) is ignored, with all it contains. */
	ignoresFolder(path: string): boolean {
		const parts = path.split('/');
		for (let depth = 1; depth <= parts.length; depth++) {
			if (this.folderIgnored(parts.slice(0, depth))) {
				return true;
			}
		}
		return false;
	}

	private folderIgnored(parts: string[]): boolean {
		const key = parts.join('/');
		let result = this.folderResults.get(key);
		if (result === undefined) {
			result = this.matches(parts, true);
			this.folderResults.set(key, result);
		}
		return result;
	}

	/** Applies the rules of each folder above `parts`, deepest first, until one ignores or re-includes the path. */
	private matches(parts: string[], isFolder: boolean): boolean {
		for (let depth = parts.length - 1; depth >= 0; depth--) {
			const rules = this.rules.get(parts.slice(0, depth).join('/'));
			if (!rules) {
				continue;
			}
			const result = rules.test(parts.slice(depth).join('/') + (isFolder ? '/' : ''));
			if (result.ignored) {
				return true;
			}
			if (result.unignored) {
				return false;
			}
		}
		return false;
	}
}
