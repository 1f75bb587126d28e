// The overview's server-sent events over a real socket: a snapshot for the session's caller at
// once, the stream ending when the session does, and a gateway that stops with streams open.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { sendOne } from '../api/support.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { type SignedIn, signIn } from './support.js';

/** Opens the stream; resolves with its events as they come, and a promise of its end. */
function openStream(gateway: Gateway, session: SignedIn) {
  const events: { event: string; data: string }[] = [];
  let notify: () => void = () => {};
  let buffer = '';
  const ended = new Promise<void>((resolve, reject) => {
    const request = http.get(
      `${gateway.url}/dashboard/api/overview/stream`,
      { headers: { cookie: session.cookie } },
      (response) => {
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['content-type']), /^text\/event-stream/);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
            events.push({ event, data });
            notify();
          }
        });
        response.on('end', resolve);
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
  const next = (name: string) =>
    new Promise<{ event: string; data: string }>((resolve) => {
      const check = () => {
        const found = events.find((e) => e.event === name);
        if (found) resolve(found);
      };
      notify = check;
      check();
    });
  return { next, ended };
}

describe('dashboard overview stream', () => {
  let store: TestStore;
  let gateway: Gateway;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, { listen: true });
  });
  after(async () => {
    await store.destroy();
  });

  it('sends the caller’s overview, and ends when the session is signed out', async () => {
    await sendOne(gateway, { to: '+447911123456', text: 'counted' });
    const session = await signIn(gateway, TEST_ADMIN_KEY);
    const stream = openStream(gateway, session);
    const first = JSON.parse((await stream.next('overview')).data) as {
      lastHourTotal: number;
      perMinute: unknown[];
      connectors: unknown[];
    };
    assert.equal(first.lastHourTotal, 1);
    assert.equal(first.perMinute.length, 60);
    assert.equal(first.connectors.length, 1);
    const logout = await gateway.http.inject({
      method: 'POST',
      url: '/dashboard/logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      payload: new URLSearchParams({ csrf: session.csrf }).toString(),
    });
    assert.equal(logout.statusCode, 303);
    await stream.next('signed-out');
    await stream.ended;
  });

  it('a gateway with open streams still stops', async () => {
    const session = await signIn(gateway, TEST_ADMIN_KEY);
    const stream = openStream(gateway, session);
    await stream.next('overview');
    await gateway.stop(false);
    await stream.ended;
  });
});
