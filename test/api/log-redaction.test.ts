import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { captureLogs, type LogLine } from '../helpers/log-capture.js';
import { getMessage, waitForStatus } from './support.js';

const TEXT = 'Your one-time code is 918273 (logcheck)';
const TO = '+447911123456';
const FROM = '+447911654321';
const INBOUND_TEXT = 'inbound words nobody should read';

/** Sends a message, a bad request and an inbound message through a gateway logging at `trace`. */
async function traffic(gateway: Gateway, requestId: string): Promise<string> {
  const sent = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json', 'x-request-id': requestId },
    payload: JSON.stringify({ to: TO, text: TEXT, metadata: { apiKey: TEST_ADMIN_KEY } }),
  });
  assert.equal(sent.statusCode, 202, sent.body);
  assert.equal(sent.headers['x-request-id'], requestId);
  const id = (sent.json() as { messages: { id: string }[] }).messages[0]!.id;
  const bad = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ to: TO, text: TEXT, scheduleAt: 'tomorrow' }),
  });
  assert.equal(bad.statusCode, 400);
  const inbound = await gateway.http.inject({
    method: 'POST',
    url: '/v1/connectors/sim/inbound',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ from: FROM, to: TO, text: INBOUND_TEXT }),
  });
  assert.equal(inbound.statusCode, 202, inbound.body);
  await waitForStatus(gateway, id, 'delivered');
  return id;
}

function leaks(lines: readonly LogLine[], secrets: readonly string[]): string[] {
  return lines
    .map((line) => JSON.stringify(line))
    .filter((json) => secrets.some((secret) => json.includes(secret)));
}

describe('logs: request ids into history, content and secrets redacted', () => {
  let store: TestStore;
  let gateway: Gateway;
  const logs = captureLogs('trace');
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, { logger: logs.logger });
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  it("names the accepting request in the message's history, and its log lines carry the same id", async () => {
    const id = await traffic(gateway, 'req-logcheck-1');
    const message = await getMessage(gateway, id);
    assert.match(message.history![0]!.detail ?? '', /accepted by request req-logcheck-1 \(native\)/);
    const lines = logs.lines.filter((line) => line.reqId === 'req-logcheck-1');
    assert.ok(
      lines.some(
        (line) => line.msg === 'request answered' && line.route === '/v1/messages' && line.status === 202,
      ),
      JSON.stringify(logs.lines.slice(0, 10)),
    );
    // Ids the caller did not choose are generated (unique, not Fastify's req-1, req-2 …).
    const generated = logs.lines.filter(
      (line) => line.msg === 'request answered' && line.reqId !== 'req-logcheck-1',
    );
    assert.ok(generated.length >= 2);
    for (const line of generated) assert.match(String(line.reqId), /^[0-9a-f-]{36}$/);
  });

  it('logs no message text, phone number or API key (logging at trace)', async () => {
    assert.ok(logs.lines.length >= 4, `${logs.lines.length} lines logged`);
    assert.ok(logs.lines.some((line) => line.msg === 'inbound message stored'));
    const found = leaks(logs.lines, [
      TEXT,
      '918273',
      INBOUND_TEXT,
      TO,
      TO.slice(1),
      FROM,
      FROM.slice(1),
      TEST_ADMIN_KEY,
    ]);
    assert.deepEqual(found, []);
    // The backstop: a line that carries content by mistake has it censored.
    logs.logger.info(
      { text: TEXT, to: TO, message: { from: FROM }, apiKey: TEST_ADMIN_KEY },
      'a careless line',
    );
    await waitFor(() => logs.lines.find((line) => line.msg === 'a careless line'));
    assert.deepEqual(leaks(logs.lines, [TEXT, TO, FROM, TEST_ADMIN_KEY]), []);
  });
});

describe('logs with logMessageContent: true', () => {
  let store: TestStore;
  let gateway: Gateway;
  const logs = captureLogs('trace', { logMessageContent: true });
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, { logger: logs.logger, config: { logMessageContent: true } });
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  it('shows the inbound text and numbers, never the API key', async () => {
    await traffic(gateway, 'req-logcheck-2');
    const stored = logs.lines.find((line) => line.msg === 'inbound message stored');
    assert.ok(stored, 'the inbound line');
    assert.equal(stored.text, INBOUND_TEXT);
    assert.equal(stored.from, FROM);
    assert.deepEqual(leaks(logs.lines, [TEST_ADMIN_KEY]), []);
    // The backstop still holds for secrets a line might carry by mistake.
    logs.logger.info({ apiKey: TEST_ADMIN_KEY, password: 'hunter2', text: TEXT }, 'a careless line');
    await waitFor(() => logs.lines.find((line) => line.msg === 'a careless line'));
    const careless = logs.lines.find((line) => line.msg === 'a careless line')!;
    assert.equal(careless.apiKey, '[redacted]');
    assert.equal(careless.password, '[redacted]');
    assert.equal(careless.text, TEXT);
  });
});
