/**
 * What a client reads of a provider's error (security issue: provider error text reached
 * `lastDetail`): the provider's own error field, as one bounded, printable line — never the raw
 * body of its answer (an error page can name the provider's internals).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

describe('provider error text in a message’s history', () => {
  let provider: Server;
  let store: TestStore;
  let gateway: Gateway;
  before(async () => {
    // A provider that refuses every send: an HTML error page for /html, a JSON error for /json.
    provider = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/html') {
          response.writeHead(400, { 'content-type': 'text/html' });
          response.end(
            '<html><body>upstream db-7.internal.corp:5432 refused; account balance 12.34</body></html>',
          );
          return;
        }
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `Invalid\r\nnumber\t\u0000${'x'.repeat(2000)}` }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    const connector = (name: string, path: string) => ({
      name,
      type: 'http',
      url: `${base}${path}`,
      body: { format: 'json', fields: { to: '{{to}}', text: '{{text}}' } },
      response: { idPath: 'id', errorPath: 'message' },
    });
    store = await sqlite.open();
    gateway = await startTestGateway(store, {
      config: {
        connectors: [connector('html', '/html'), connector('json', '/json')] as never,
        routes: [
          { channel: 'html', connector: 'html' },
          { channel: 'json', connector: 'json' },
        ],
      },
    });
  });
  after(async () => {
    await gateway.stop(false);
    provider.close();
    await store.destroy();
  });

  async function rejectedVia(channel: string) {
    const sent = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: ADMIN_AUTH,
      payload: { to: '+447911123456', text: 'hi', channel },
    });
    assert.equal(sent.statusCode, 202, sent.body);
    const id = sent.json().messages[0].id as string;
    return waitFor(
      async () => {
        const view = (
          await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: ADMIN_AUTH })
        ).json();
        return view.status === 'rejected' ? view : undefined;
      },
      10_000,
      `${channel} rejected`,
    );
  }

  it('an error page is not shown: the detail says only what the provider answered, by status', async () => {
    const view = await rejectedVia('html');
    assert.equal(view.lastDetail, 'html answered HTTP 400');
    assert.equal(view.lastCode, 'http:400');
    assert.doesNotMatch(JSON.stringify(view), /internal\.corp|balance/);
  });

  it('the provider’s error field is kept as one printable line of at most 300 characters', async () => {
    const view = await rejectedVia('json');
    const detail = view.lastDetail as string;
    assert.match(detail, /^json answered HTTP 400: Invalid number x+…$/);
    assert.ok(Array.from(detail).length <= 301, `${detail.length} characters`);
    assert.doesNotMatch(detail, /[\r\n\t\u0000]/);
    const history = view.history as { status: string; detail: string | null }[];
    assert.equal(history.at(-1)?.detail, detail);
  });
});
