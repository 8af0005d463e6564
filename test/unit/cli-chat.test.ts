import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliNotice, EXIT_CUT_OFF, exitStatus } from '../../src/cli/chat';
import type { StoredMessage } from '../../src/core/chat/conversation';
import {
	AuthError,
	CancelledError,
	ConnectionError,
	MissingKeyError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../../src/core/errors';

function reply(content: string, extra: Partial<StoredMessage> = {}): StoredMessage {
	return { id: 'cli', role: 'assistant', content, status: 'done', createdAt: 0, ...extra };
}

test('exit status of a cut stream is 3', () => {
	assert.equal(exitStatus(new StreamCutError('cut'), reply('')), EXIT_CUT_OFF);
	assert.equal(exitStatus(new StreamCutError('cut'), reply('Partial')), EXIT_CUT_OFF);
	assert.equal(exitStatus(new StreamStalledError('stalled'), reply('')), EXIT_CUT_OFF);
});

test('exit status of a failed request is 1', () => {
	assert.equal(exitStatus(new ServerError('failed'), reply('')), 1);
	assert.equal(exitStatus(new AuthError('rejected'), reply('')), 1);
});

test('exit status of other endings', () => {
	assert.equal(exitStatus(undefined, reply('Done', { finishReason: 'stop' })), 0);
	assert.equal(exitStatus(undefined, reply('Done', { finishReason: 'length' })), EXIT_CUT_OFF);
	assert.equal(exitStatus(new CancelledError(), reply('Par')), 130);
});

test('notices name command-line options', () => {
	const url = 'http://127.0.0.1:9/v1/chat/completions';
	const auth = cliNotice(new AuthError('Set a valid key for this provider.', { url, status: 401 }), reply(''), undefined);
	assert.match(auth ?? '', /OPENAI_API_KEY/);
	assert.doesNotMatch(auth ?? '', /Set a valid key for this provider/);

	const missing = cliNotice(new MissingKeyError('Set the key for this provider.'), reply(''), undefined);
	assert.match(missing ?? '', /OPENAI_API_KEY/);

	const refused = cliNotice(new ConnectionError('See llmLab.providers.', { url }), reply(''), undefined);
	assert.match(refused ?? '', /--base-url/);
	assert.doesNotMatch(refused ?? '', /llmLab\./);

	const coreLength = 'Stopped at the output limit of 5 tokens. Raise llmLab.maxTokens for longer replies.';
	const length = cliNotice(undefined, reply('Done', { finishReason: 'length', notice: coreLength }), 5);
	assert.match(length ?? '', /--max-tokens/);
	assert.doesNotMatch(length ?? '', /llmLab\./);
});

test('window-full notice is kept as it is', () => {
	const notice = 'Stopped because the context window is full.';
	const stats = { promptTokens: 90, completionTokens: 10, estimated: false };
	const message = reply('Done', { finishReason: 'length', notice, stats } as Partial<StoredMessage>);
	assert.equal(cliNotice(undefined, message, 100), notice);
});
