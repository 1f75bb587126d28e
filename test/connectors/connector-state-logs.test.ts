/**
 * Upstream problems are logged, once per change, where an operator looks (issue: a wrong SMPP
 * password, dropped connections and reconnects produced no log line at all): bind up, refused with
 * its command_status, lost with its cause and the reconnect delay, throttling entered and left,
 * an HTTP provider marked down and up again.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { FakeClickatell } from '../fakes/fake-clickatell.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { captureLogs, type LogLine } from '../helpers/log-capture.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;
const WARN = 40;
const INFO = 30;

const smpp = (port: number, password: string) => ({
  name: 'smsc',
  type: 'smpp',
  host: '127.0.0.1',
  port,
  systemId: 'smsgate',
  password,
  binds: 1,
  responseTimeoutSeconds: 2,
  reconnectMinSeconds: 0.05,
  reconnectMaxSeconds: 0.2,
});

const of = (lines: LogLine[], event: string) => lines.filter((l) => l.event === event);

describe('connector state changes are logged once per change', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  async function gatewayWith(connector: Record<string, unknown>, lines = captureLogs()): Promise<Gateway> {
    const store: TestStore = await sqlite.open();
    const gateway = await startTestGateway(store, {
      config: { connectors: [connector as never] },
      logger: lines.logger,
    });
    cleanup.push(async () => {
      await gateway.stop(false);
      await store.destroy();
    });
    return gateway;
  }

  it('a wrong SMPP password: one warning with ESME_RINVPASWD, however many reconnects fail', async () => {
    const simulator = new SmscSimulator({ accounts: [{ systemId: 'smsgate', password: 'right' }] });
    const port = await simulator.start(0);
    cleanup.push(() => simulator.stop());
    const logs = captureLogs();
    const gateway = await gatewayWith(smpp(port, 'wrong'), logs);
    await waitFor(
      () => (simulator.counters.bindsRefused >= 5 ? true : undefined),
      10_000,
      'several refused bind attempts',
    );
    const failed = of(logs.lines, 'bind_failed');
    assert.equal(failed.length, 1, JSON.stringify(failed));
    assert.equal(failed[0]!.level, WARN);
    assert.equal(failed[0]!.connector, 'smsc');
    assert.match(String(failed[0]!.cause), /ESME_RINVPASWD/);
    assert.equal(typeof failed[0]!.retryInMs, 'number');
    assert.equal(gateway.connectors.get('smsc')!.status().state, 'down');
  });

  it('a bind lost when the SMSC goes away, then up again when it is back', async () => {
    const simulator = new SmscSimulator({ accounts: [{ systemId: 'smsgate', password: 'secret' }] });
    const port = await simulator.start(0);
    const logs = captureLogs();
    const gateway = await gatewayWith(smpp(port, 'secret'), logs);
    await waitFor(() => (of(logs.lines, 'bind_up').length === 1 ? true : undefined), 10_000, 'bind up');
    assert.equal(of(logs.lines, 'bind_up')[0]!.level, INFO);
    await simulator.stop();
    await waitFor(() => (of(logs.lines, 'bind_lost').length === 1 ? true : undefined), 10_000, 'bind lost');
    assert.equal(of(logs.lines, 'bind_lost')[0]!.level, WARN);
    const restarted = new SmscSimulator({ accounts: [{ systemId: 'smsgate', password: 'secret' }] });
    await restarted.start(port);
    cleanup.push(() => restarted.stop());
    await waitFor(() => (of(logs.lines, 'bind_up').length === 2 ? true : undefined), 10_000, 'bind up again');
    // Connection refused while it was away: reported once, not once per attempt.
    assert.ok(of(logs.lines, 'bind_failed').length <= 1);
    assert.equal(gateway.connectors.get('smsc')!.status().state, 'up');
  });

  it('throttling entered and left: one warning and one info line for a run of throttled submits', async () => {
    const simulator = new SmscSimulator({
      accounts: [{ systemId: 'smsgate', password: 'secret' }],
      throttleEvery: 2,
      receiptDelayMs: 5,
    });
    const port = await simulator.start(0);
    cleanup.push(() => simulator.stop());
    const logs = captureLogs();
    const gateway = await gatewayWith(smpp(port, 'secret'), logs);
    await waitFor(() => (of(logs.lines, 'bind_up').length === 1 ? true : undefined), 10_000, 'bind up');
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: ADMIN_AUTH,
      payload: { to: ['+447911123456', '+447911123457'], text: 'throttle me' },
    });
    assert.equal(response.statusCode, 202, response.body);
    await waitFor(
      () => (of(logs.lines, 'throttling_ended').length >= 1 ? true : undefined),
      20_000,
      'throttling ended',
    );
    const started = of(logs.lines, 'throttling_started');
    assert.ok(started.length >= 1);
    assert.equal(started[0]!.level, WARN);
    assert.equal(started[0]!.cause, 'ESME_RTHROTTLED');
    // Never two starts without an end in between.
    const sequence = logs.lines.filter((l) => String(l.event).startsWith('throttling_')).map((l) => l.event);
    for (let i = 1; i < sequence.length; i++)
      assert.notEqual(sequence[i], sequence[i - 1], sequence.join(','));
  });

  it('an HTTP provider that stops answering is logged down once, and up once it answers', async () => {
    const fake = await FakeClickatell.start();
    cleanup.push(() => fake.close());
    const logs = captureLogs();
    const gateway = await gatewayWith(
      {
        name: 'clickatell',
        type: 'clickatell',
        apiKey: fake.apiKey,
        baseUrl: fake.url,
        timeoutMs: 500,
        callbackToken: 'state-logs-token',
      },
      logs,
    );
    await fake.down();
    const send = () =>
      gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: ['+447911123456', '+447911123457', '+447911123458', '+447911123459'], text: 'down?' },
      });
    assert.equal((await send()).statusCode, 202);
    await waitFor(() => (of(logs.lines, 'circuit_opened').length === 1 ? true : undefined), 20_000, 'down');
    assert.equal(of(logs.lines, 'circuit_opened')[0]!.level, WARN);
    await fake.up();
    await waitFor(
      () => (of(logs.lines, 'circuit_closed').length === 1 ? true : undefined),
      30_000,
      'up again',
    );
    assert.equal(of(logs.lines, 'circuit_opened').length, 1, 'failed probes while down are not news');
  });
});
