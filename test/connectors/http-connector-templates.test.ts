/**
 * The generic HTTP connector writes message values into its request templates encoded for where
 * they land (URL query, URL path, form body, JSON body, headers), so a message's text or sender
 * can never add a recipient, change the sender, or reach another endpoint (issue 11, item 3).
 * Each case sends through the real gateway to a fake provider over real sockets and checks what
 * the fake received.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import type { Gateway } from '../../src/gateway.js';
import { assertError, getMessage, type Headers, type MessageView, sendMessages } from '../api/support.js';
import { FakeClickatell, HTTP_SEND_PATH } from '../fakes/fake-clickatell.js';
import { FakeJsonProvider } from '../fakes/fake-json-provider.js';
import type { FakeProvider, RecordedRequest } from '../fakes/fake-provider-base.js';
import { FakeTwilio } from '../fakes/fake-twilio.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { readExample } from './examples.js';

/** The text of the security report: it added a recipient and a sender to the upstream request. */
const INJECTION = 'hello&to=19005551234&from=MYBANK#';

const UNSETTLED = ['queued', 'scheduled', 'sending'];

function queryOf(request: RecordedRequest): URLSearchParams {
  const mark = request.path.indexOf('?');
  return new URLSearchParams(mark < 0 ? '' : request.path.slice(mark + 1));
}

await describeEachDatabase(
  'generic HTTP connector: template values are encoded for where they land',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let clickatell: FakeClickatell;
    let json: FakeJsonProvider;
    let twilio: FakeTwilio;
    let client: Headers;

    before(async () => {
      [clickatell, json, twilio] = await Promise.all([
        FakeClickatell.start(),
        FakeJsonProvider.start(),
        FakeTwilio.start(),
      ]);
      const getExample = readExample('http-query-get.json');
      const getUrl = String(getExample.url)
        .replace('https://platform.clickatell.com', clickatell.url)
        .replace('your-api-key', clickatell.apiKey);
      const jsonExample = {
        ...readExample('http-json-api.json'),
        url: `${json.url}/api/sms`,
        auth: { type: 'bearer', token: json.token },
        timeoutMs: 2000,
      };
      const connectors = [
        { ...getExample, name: 'get', url: getUrl, timeoutMs: 2000 },
        // The sender in the URL too, not as a (form-encoded) field.
        { ...getExample, name: 'getfrom', url: `${getUrl}&from={{from}}`, body: undefined, timeoutMs: 2000 },
        {
          ...getExample,
          name: 'getraw',
          url: getUrl.replace('content={{text}}', 'content={{raw:text}}'),
          timeoutMs: 2000,
        },
        {
          ...readExample('http-twilio-style.json'),
          name: 'form',
          url: `${twilio.url}${twilio.messagesPath}`,
          auth: { type: 'basic', username: twilio.accountSid, password: twilio.authToken },
          // No StatusCallback (it renders empty and is left out): the fake must not call out, and
          // this connector reads no callbacks.
          callbackUrl: undefined,
          callback: undefined,
          callbackSignature: undefined,
          timeoutMs: 2000,
        },
        { ...jsonExample, name: 'json' },
        { ...jsonExample, name: 'path', url: `${json.url}/api/sms/{{text}}` },
        { ...jsonExample, name: 'headers', headers: { 'X-Message-Id': '{{id}}', 'X-Note': '{{text}}' } },
      ];
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: {
          connectors: connectors as never,
          routes: connectors.map((c) => ({ channel: c.name, connector: c.name })),
          queue: { maxAttempts: 3 },
        },
      });
      const created = await gateway.http.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'allow-listed', role: 'client' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id, apiKey } = created.json() as { id: string; apiKey: { key: string } };
      const limited = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${id}`,
        headers: ADMIN_AUTH,
        payload: { limits: { allowedSenders: ['ACME'] } },
      });
      assert.equal(limited.statusCode, 200, limited.body);
      client = { authorization: `Bearer ${apiKey.key}` };
    });
    after(async () => {
      await gateway.stop(false);
      await Promise.all([clickatell.close(), json.close(), twilio.close()]);
      await store.destroy();
    });

    /** Sends one message through `channel`; resolves once it has left the gateway or failed, with the requests the fake got meanwhile. */
    async function send(
      fake: FakeProvider,
      channel: string,
      body: { to: string; text: string; from?: string },
      auth: Headers = ADMIN_AUTH,
    ): Promise<{ message: MessageView; requests: RecordedRequest[] }> {
      const before = fake.requests.length;
      const response = await sendMessages(gateway, { ...body, channel }, auth);
      assert.equal(response.statusCode, 202, response.body);
      const id = (response.json() as { messages: { id: string }[] }).messages[0]!.id;
      const message = await waitFor(
        async () => {
          const view = await getMessage(gateway, id, auth);
          return UNSETTLED.includes(view.status) ? undefined : view;
        },
        20_000,
        `message ${id} to leave the gateway`,
      );
      return { message, requests: fake.requests.slice(before) };
    }

    it('URL query: a text cannot add a recipient or a sender (the sender allow-list holds)', async () => {
      const refused = await sendMessages(
        gateway,
        { to: '+447911223344', text: 'x', from: 'MYBANK', channel: 'get' },
        client,
      );
      assertError(refused, 403, { code: 'sender_not_allowed', field: 'from' });

      const { message, requests } = await send(
        clickatell,
        'get',
        { to: '+447911223344', text: INJECTION, from: 'ACME' },
        client,
      );
      assert.equal(message.status, 'sent', message.lastDetail ?? '');
      assert.equal(requests.length, 1);
      assert.ok(requests[0]!.path.startsWith(`${HTTP_SEND_PATH}?`), requests[0]!.path);
      const query = queryOf(requests[0]!);
      assert.deepEqual(query.getAll('to'), ['447911223344'], 'exactly one recipient');
      assert.deepEqual(query.getAll('from'), ['ACME'], 'the sender the allow-list let through');
      assert.deepEqual(query.getAll('content'), [INJECTION], 'the text arrives whole');
      const taken = clickatell.messages.filter((m) => m.requestIndex === requests[0]!.index);
      assert.deepEqual(
        taken.map((m) => [m.to, m.from, m.text]),
        [['447911223344', 'ACME', INJECTION]],
      );
    });

    it('URL query: a sender with query characters stays one value', async () => {
      const from = 'A&to=1900#';
      const { message, requests } = await send(clickatell, 'getfrom', {
        to: '+447911223345',
        text: 'hi',
        from,
      });
      assert.equal(message.status, 'sent', message.lastDetail ?? '');
      assert.equal(requests.length, 1);
      const query = queryOf(requests[0]!);
      assert.deepEqual(query.getAll('to'), ['447911223345']);
      assert.deepEqual(query.getAll('from'), [from]);
      assert.deepEqual(query.getAll('content'), ['hi']);
    });

    it('URL query: {{raw:text}} is written as it is, {{text}} is encoded', async () => {
      const text = 'a+b%2Bc';
      const encoded = await send(clickatell, 'get', { to: '+447911223346', text });
      assert.equal(encoded.message.status, 'sent');
      assert.deepEqual(queryOf(encoded.requests[0]!).getAll('content'), [text]);
      const raw = await send(clickatell, 'getraw', { to: '+447911223347', text });
      assert.equal(raw.message.status, 'sent');
      assert.deepEqual(
        queryOf(raw.requests[0]!).getAll('content'),
        ['a b+c'],
        'decoded as the query it became',
      );
    });

    it('URL path: a value stays one path segment and cannot climb out of the path', async () => {
      const split = await send(json, 'path', { to: '+447911223348', text: 'a/b?c#d' });
      assert.equal(split.requests.length, 1);
      assert.equal(split.requests[0]!.path, '/api/sms/a%2Fb%3Fc%23d');
      // The fake has no such endpoint: the provider's 404 is a permanent refusal.
      assert.equal(split.message.status, 'rejected');
      assert.equal(split.message.lastCode, 'path:BAD_REQUEST');

      for (const text of ['..', '.']) {
        const climb = await send(json, 'path', { to: '+447911223349', text });
        assert.deepEqual(
          climb.requests.map((r) => r.path),
          [],
          `nothing is sent for a text of "${text}"`,
        );
        assert.equal(climb.message.status, 'rejected');
        assert.equal(climb.message.lastCode, 'template:path');
        assert.equal(climb.message.attempts, 1, 'not retried');
      }
    });

    it('form body: a text cannot add a To or a From', async () => {
      const text = 'hello&To=%2B19005551234&From=MYBANK';
      const { message, requests } = await send(
        twilio,
        'form',
        { to: '+447911223350', text, from: 'ACME' },
        client,
      );
      assert.equal(message.status, 'sent', message.lastDetail ?? '');
      assert.equal(requests.length, 1);
      const form = new URLSearchParams(requests[0]!.rawBody);
      assert.deepEqual(form.getAll('To'), ['+447911223350']);
      assert.deepEqual(form.getAll('From'), ['ACME']);
      assert.deepEqual(form.getAll('Body'), [text]);
    });

    it('JSON body: a text cannot add a recipient or a sender', async () => {
      const text = 'hello","recipient":"19005551234","sender":"MYBANK';
      const { message, requests } = await send(
        json,
        'json',
        { to: '+447911223351', text, from: 'ACME' },
        client,
      );
      assert.equal(message.status, 'sent', message.lastDetail ?? '');
      assert.equal(requests.length, 1);
      const body = JSON.parse(requests[0]!.rawBody) as Record<string, unknown>;
      assert.deepEqual([body.recipient, body.sender, body.message], ['447911223351', 'ACME', text]);
      const taken = json.messages.filter((m) => m.requestIndex === requests[0]!.index);
      assert.deepEqual(
        taken.map((m) => [m.to, m.from]),
        [['447911223351', 'ACME']],
      );
    });

    it('headers: values are carried as they are; a line break or what a header cannot carry refuses the message', async () => {
      const plain = await send(json, 'headers', { to: '+447911223352', text: 'plain note, café' });
      assert.equal(plain.message.status, 'sent');
      assert.equal(plain.requests.length, 1);
      assert.equal(plain.requests[0]!.headers['x-message-id'], plain.message.id);
      assert.equal(
        Buffer.from(String(plain.requests[0]!.headers['x-note']), 'latin1').toString('latin1'),
        'plain note, café',
      );

      // Three in a row: were they connection failures, the connector would be down now.
      for (const text of ['hi\r\nX-Injected: 1', 'hi\nX-Injected: 1', 'smile 😀']) {
        const refused = await send(json, 'headers', { to: '+447911223353', text });
        assert.deepEqual(refused.requests, [], `nothing is sent for ${JSON.stringify(text)}`);
        assert.equal(refused.message.status, 'rejected', JSON.stringify(text));
        assert.equal(refused.message.lastCode, 'template:header');
        assert.equal(refused.message.attempts, 1, 'not retried');
        assert.match(refused.message.lastDetail ?? '', /X-Note/);
      }
      assert.equal(gateway.connectors.get('headers')!.status().state, 'up');
      assert.ok(json.requests.every((r) => r.headers['x-injected'] === undefined));
    });
  },
  describe,
);

describe('generic HTTP connector: templates are checked at start', () => {
  const connector = (overrides: Record<string, unknown>) => ({
    name: 'provider',
    type: 'http',
    url: 'https://api.example.com/send',
    response: { idPath: 'id' },
    ...overrides,
  });
  const refused = (overrides: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => buildConfig({ connectors: [connector(overrides)] }), message);

  it('accepts every documented example and raw placeholders in a URL', () => {
    for (const file of ['http-twilio-style.json', 'http-json-api.json', 'http-query-get.json']) {
      assert.equal(buildConfig({ connectors: [readExample(file)] }).connectors.length, 1, file);
    }
    buildConfig({
      connectors: [connector({ url: 'https://api.example.com/{{raw:id}}?t={{ raw : text }}' })],
    });
  });

  it('refuses raw placeholders outside a URL, unknown modifiers and misspelt variables', () => {
    refused({ headers: { 'X-Note': '{{raw:text}}' } }, /headers\.X-Note: .*header values are never raw/);
    refused(
      { body: { format: 'json', fields: { message: '{{raw:text}}' } } },
      /body\.fields\.message: \{\{raw:text\}\}: body values are never raw/,
    );
    refused({ url: 'https://api.example.com/?t={{url:text}}' }, /the only modifier is raw/);
    refused({ url: 'https://api.example.com/?t={{raw:body}}' }, /unknown template variable \{\{raw:body\}\}/);
    refused(
      { url: 'https://api.example.com/?t={{to-digits}}' },
      /unknown template variable \{\{to-digits\}\}/,
    );
  });

  it('refuses placeholders in the scheme, host or port, and URLs that are not http(s)', () => {
    refused(
      { url: 'https://{{text}}.example.com/send' },
      /scheme, host and port cannot use template variables/,
    );
    refused({ url: 'https://api.example.com:{{segments}}/send' }, /scheme, host and port/);
    refused({ url: 'https://{{raw:callbackUrl}}' }, /scheme, host and port/);
    refused({ url: '{{raw:callbackUrl}}' }, /must start with http:\/\/ or https:\/\//);
    refused({ url: 'ftp://api.example.com/send' }, /must start with http:\/\/ or https:\/\//);
  });

  it('refuses header names and literal header values that are not valid HTTP', () => {
    refused({ headers: { 'X Note': 'x' } }, /not a valid header name/);
    refused({ headers: { 'X-Note': 'a\r\nX-Injected: 1' } }, /control characters/);
  });
});
