// Checks that the runner passes the URLs of the servers it started into the extension host.
import * as assert from 'node:assert/strict';

suite('local test servers', () => {
	test('llama-server reachable from host', async () => {
		const baseUrl = process.env.LLM_LAB_TEST_LLAMA_URL;
		assert.ok(baseUrl, 'LLM_LAB_TEST_LLAMA_URL is not set in the extension host');
		const response = await fetch(`${baseUrl}/v1/models`);
		assert.equal(response.status, 200);
		const body = (await response.json()) as { data?: unknown[] };
		assert.ok(Array.isArray(body.data), `${baseUrl}/v1/models returned no data array`);
		assert.ok(body.data.length > 0, `no models listed by ${baseUrl}/v1/models`);
	});
});
