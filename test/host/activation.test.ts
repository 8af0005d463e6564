import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'llm-lab.llm-lab';

suite('extension activation', () => {
	test('llm-lab.llm-lab activates', async function () {
		const extension = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(extension, `extension ${EXTENSION_ID} is not installed in the extension host`);
		const api = (await extension.activate()) as { activationMs: number };
		assert.equal(extension.isActive, true);
		assert.ok(api.activationMs > 0, 'activate reported no duration');
		// The spec reporter prints the title after the test, so the figure shows in the test output.
		this.test!.title += ` in ${api.activationMs.toFixed(1)} ms`;
	});
});
