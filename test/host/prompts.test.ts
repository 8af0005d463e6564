import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FakeOpenAI, startFakeOpenAI } from '../fixtures/fake-openai';
import { activateLab, useProvider, waitFor } from './helpers';
import { oracleCount } from './tokensOracle';

const CASES = path.join(__dirname, '../../../test/fixtures/cases');

/** Returns a workspace file's URI after writing `text` to it. */
async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the host tests need a workspace folder');
	const uri = vscode.Uri.joinPath(folder.uri, relativePath);
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
	return uri;
}

function labDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
	return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'LLM Lab');
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
	return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

/** The fake server's model, under a provider id that no other suite uses. */
const MODEL = 'prompt-server:gpt-4o-mini';
const SYSTEM = 'You label support tickets with one word.';
const EXAMPLE_TICKET = 'The printer is offline.';
const EXAMPLE_LABEL = 'hardware';
const DEFAULT_TICKET = 'I cannot log in to the VPN.';

/** Builds a prompt file with a system message, one few-shot pair and a last user message with a defaulted variable. */
function promptText(model: string, lastUser = '{{ticket}}'): string {
	return [
		'---',
		`model: ${model}`,
		'variables:',
		`  ticket: ${DEFAULT_TICKET}`,
		'---',
		'',
		'## system',
		'',
		SYSTEM,
		'',
		'## user',
		'',
		EXAMPLE_TICKET,
		'',
		'## assistant',
		'',
		EXAMPLE_LABEL,
		'',
		'## user',
		'',
		lastUser,
		'',
	].join('\n');
}

suite('dataset diagnostics', () => {
	suiteSetup(async () => {
		await activateLab();
	});

	test('fine-tuning file shows both faults', async () => {
		const text = await fs.readFile(path.join(CASES, 'finetune-two-faults.jsonl'), 'utf8');
		const uri = await writeWorkspaceFile('datasets/finetune-two-faults.jsonl', text);
		await vscode.window.showTextDocument(uri);

		const diagnostics = await waitFor(
			'two diagnostics',
			() => labDiagnostics(uri),
			(found) => found.length === 2,
		);
		const [comma, role] = [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line);
		assert.equal(comma.range.start.line, 36);
		assert.equal(comma.severity, vscode.DiagnosticSeverity.Error);
		assert.match(comma.message, /^Trailing comma before "\}"/);
		assert.equal(role.range.start.line, 51);
		assert.match(role.message, /unknown role "assitant"/);
		assert.match(role.message, /Did you mean "assistant"\?/);
	});

	test('role quick fix leaves one diagnostic', async () => {
		const uri = vscode.Uri.joinPath(
			vscode.workspace.workspaceFolders![0].uri,
			'datasets/finetune-two-faults.jsonl',
		);
		const document = await vscode.workspace.openTextDocument(uri);
		const role = labDiagnostics(uri).find((diagnostic) => codeOf(diagnostic) === 'unknown-role');
		assert.ok(role, 'the role diagnostic is missing');

		const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
			'vscode.executeCodeActionProvider',
			uri,
			role.range,
			vscode.CodeActionKind.QuickFix.value,
		);
		const fix = actions.find((action) => action.title === 'Change the role to "assistant"');
		assert.ok(fix?.edit, `no role fix among ${JSON.stringify(actions.map((action) => action.title))}`);
		assert.equal(await vscode.workspace.applyEdit(fix.edit), true);

		assert.match(document.lineAt(51).text, /\{"role": "assistant", "content": "hardware"\}/);
		const left = await waitFor(
			'one diagnostic',
			() => labDiagnostics(uri),
			(found) => found.length === 1,
		);
		assert.equal(left[0].range.start.line, 36);
		assert.equal(codeOf(left[0]), 'trailing-comma');
	});

	test('trailing comma quick fix clears the file', async () => {
		const uri = vscode.Uri.joinPath(
			vscode.workspace.workspaceFolders![0].uri,
			'datasets/finetune-two-faults.jsonl',
		);
		const [comma] = await waitFor(
			'the comma diagnostic',
			() => labDiagnostics(uri),
			(found) => found.length === 1,
		);
		const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
			'vscode.executeCodeActionProvider',
			uri,
			comma.range,
			vscode.CodeActionKind.QuickFix.value,
		);
		const fix = actions.find((action) => action.title === 'Remove the trailing comma');
		assert.ok(fix?.edit, `no comma fix among ${JSON.stringify(actions.map((action) => action.title))}`);
		assert.equal(await vscode.workspace.applyEdit(fix.edit), true);

		await waitFor(
			'no diagnostics',
			() => labDiagnostics(uri),
			(found) => found.length === 0,
		);
		await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
	});
});

suite('prompt files', () => {
	let server: FakeOpenAI;

	suiteSetup(async () => {
		server = await startFakeOpenAI({ models: ['gpt-4o-mini'], replyText: 'network' });
		await activateLab();
		// A key that another suite stored for a provider with the same id would not be sent to this server.
		await useProvider(
			{ id: 'prompt-server', name: 'Prompt server', kind: 'openai', baseUrl: server.baseUrl },
			'gpt-4o-mini',
		);
	});

	suiteTeardown(async () => {
		await server?.stop();
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		const folder = vscode.workspace.workspaceFolders![0].uri;
		for (const name of ['prompts', 'datasets']) {
			await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, name), { recursive: true, useTrash: false });
		}
	});

	test('undeclared variable is flagged', async () => {
		const uri = await writeWorkspaceFile('prompts/undeclared.prompt.md', promptText(MODEL, 'Label: {{question}}'));
		await vscode.window.showTextDocument(uri);

		const diagnostics = await waitFor(
			'the variable diagnostic',
			() => labDiagnostics(uri),
			(found) => found.length > 0,
		);
		assert.equal(diagnostics.length, 2);
		const undeclared = diagnostics.find((diagnostic) => codeOf(diagnostic) === 'undeclared-variable');
		assert.ok(undeclared, JSON.stringify(diagnostics));
		assert.equal(undeclared.severity, vscode.DiagnosticSeverity.Warning);
		assert.equal(undeclared.range.start.line, 20);
		assert.equal(undeclared.range.start.character, 7);
		assert.match(undeclared.message, /^\{\{question\}\} is not declared under "variables"/);
		// The declared `ticket` is now used nowhere.
		assert.ok(diagnostics.some((diagnostic) => codeOf(diagnostic) === 'unused-variable'));
	});

	test('first line has Run, Compare and tokens', async () => {
		const uri = await writeWorkspaceFile('prompts/lenses.prompt.md', promptText(MODEL));
		await vscode.window.showTextDocument(uri);

		const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
			'vscode.executeCodeLensProvider',
			uri,
			100,
		);
		const titles = lenses.filter((lens) => lens.range.start.line === 0).map((lens) => lens.command?.title ?? '');
		assert.deepEqual(titles.slice(0, 2), ['Run', 'Compare']);
		assert.match(titles[2] ?? '', /^≈[\d,]+ tokens$/);
		assert.equal(titles.length, 3);

		const contents = [SYSTEM, EXAMPLE_TICKET, EXAMPLE_LABEL, DEFAULT_TICKET];
		const expected = contents.reduce((sum, content) => sum + oracleCount(content), 0) + 3 * contents.length + 3;
		assert.equal(Number(titles[2].replace(/[^\d]/g, '')), expected);
	});

	test('Run sends the prompt as a new conversation', async () => {
		const api = await activateLab();
		const uri = await writeWorkspaceFile('prompts/run.prompt.md', promptText(MODEL));
		const before = server.requests.length;

		await vscode.commands.executeCommand('llmLab.runPromptFile', uri);

		const sent = server.requests.slice(before).filter((request) => request.path.startsWith('/v1/chat/completions'));
		assert.equal(sent.length, 1);
		const body = sent[0].body as { model: string; messages: Array<{ role: string; content: string }> };
		assert.equal(body.model, 'gpt-4o-mini');
		assert.deepEqual(body.messages, [
			{ role: 'system', content: SYSTEM },
			{ role: 'user', content: EXAMPLE_TICKET },
			{ role: 'assistant', content: EXAMPLE_LABEL },
			{ role: 'user', content: DEFAULT_TICKET },
		]);
		const conversation = await api.activeConversation();
		assert.equal(conversation.title, 'run');
		assert.equal(conversation.systemPrompt, SYSTEM);
		assert.deepEqual(
			conversation.messages.map((message) => [message.role, message.content]),
			[
				['user', EXAMPLE_TICKET],
				['assistant', EXAMPLE_LABEL],
				['user', DEFAULT_TICKET],
				['assistant', 'network'],
			],
		);
	});

	test('New Prompt File writes a starter', async () => {
		const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'prompts/starter.prompt.md');
		await vscode.commands.executeCommand('llmLab.newPromptFile', uri);

		const editor = vscode.window.activeTextEditor;
		assert.equal(editor?.document.uri.toString(), uri.toString());
		assert.match(editor?.document.getText() ?? '', /^---\nname: .+\nmodel: prompt-server:gpt-4o-mini\n/);
		const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
		assert.equal(written, editor?.document.getText());
		const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
			'vscode.executeCodeLensProvider',
			uri,
			100,
		);
		assert.ok(lenses.some((lens) => lens.command?.title === 'Run'));
	});
});
