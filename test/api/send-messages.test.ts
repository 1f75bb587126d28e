import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import {
  countStoredMessages,
  getMessage,
  isoIn,
  NUMBERS,
  sendMessages,
  sendOk,
  sendOne,
  waitForStatus,
} from './support.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

await describeEachDatabase(
  'POST /v1/messages',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('accepts one recipient given as a string: 202 with id, status, encoding and segments', async () => {
      const before = await countStoredMessages(store);
      const response = await sendMessages(gateway, { to: NUMBERS.delivered, text: 'Hello there' });
      assert.equal(response.statusCode, 202, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const { messages } = response.json();
      assert.equal(messages.length, 1);
      const [m] = messages;
      assert.match(m.id, /^msg_[0-9A-Z]{26}$/);
      assert.equal(m.to, NUMBERS.delivered);
      assert.equal(m.status, 'queued');
      assert.equal(m.encoding, 'gsm7');
      assert.equal(m.segments, 1);
      assert.equal(m.clientRef, null);
      assert.equal(m.scheduleAt, null);
      assert.match(m.createdAt, ISO);
      assert.equal(await countStoredMessages(store), before + 1);
      const stored = await getMessage(gateway, m.id);
      assert.equal(stored.text, 'Hello there');
      assert.equal(stored.to, NUMBERS.delivered);
    });

    it('accepts several recipients: one message per recipient, in order, with distinct ids', async () => {
      const to = [NUMBERS.delivered, NUMBERS.delivered2, NUMBERS.delivered3];
      const messages = await sendOk(gateway, { to, text: 'Hi all', clientRef: 'batch-1' });
      assert.deepEqual(
        messages.map((m) => m.to),
        to,
      );
      assert.equal(new Set(messages.map((m) => m.id)).size, 3);
      for (const m of messages) {
        assert.equal(m.status, 'queued');
        assert.equal(m.encoding, 'gsm7');
        assert.equal(m.segments, 1);
        assert.equal(m.clientRef, 'batch-1');
      }
      for (const m of messages) {
        const stored = await getMessage(gateway, m.id);
        assert.equal(stored.to, m.to);
        assert.equal(stored.clientRef, 'batch-1');
      }
    });

    it('normalises national-format and spaced numbers to E.164', async () => {
      const messages = await sendOk(gateway, {
        to: ['+44 7911 123456', '0044 7911 123457', '+44 (0)7911-123458'],
        text: 'norm',
      });
      assert.deepEqual(
        messages.map((m) => m.to),
        [NUMBERS.delivered, NUMBERS.delivered2, NUMBERS.delivered3],
      );
    });

    const encodings: { name: string; text: string; encoding: string; segments: number }[] = [
      { name: 'short GSM text', text: 'Hello', encoding: 'gsm7', segments: 1 },
      { name: '160 GSM characters', text: 'a'.repeat(160), encoding: 'gsm7', segments: 1 },
      { name: '161 GSM characters', text: 'a'.repeat(161), encoding: 'gsm7', segments: 2 },
      { name: '306 GSM characters', text: 'a'.repeat(306), encoding: 'gsm7', segments: 2 },
      { name: '307 GSM characters', text: 'a'.repeat(307), encoding: 'gsm7', segments: 3 },
      {
        name: 'GSM extension characters count twice (80 €)',
        text: '€'.repeat(80),
        encoding: 'gsm7',
        segments: 1,
      },
      {
        name: 'GSM extension characters count twice (81 €)',
        text: '€'.repeat(81),
        encoding: 'gsm7',
        segments: 2,
      },
      { name: 'GSM accents like é and ü stay gsm7', text: 'Café über', encoding: 'gsm7', segments: 1 },
      { name: 'an emoji forces UCS-2', text: 'Hello 😀', encoding: 'ucs2', segments: 1 },
      { name: '70 UCS-2 units fit one segment', text: 'ê'.repeat(70), encoding: 'ucs2', segments: 1 },
      { name: '71 UCS-2 units take two', text: 'ê'.repeat(71), encoding: 'ucs2', segments: 2 },
      { name: '35 emoji (70 units) fit one segment', text: '😀'.repeat(35), encoding: 'ucs2', segments: 1 },
      { name: '36 emoji (72 units) take two', text: '😀'.repeat(36), encoding: 'ucs2', segments: 2 },
      { name: '134 UCS-2 units take two', text: 'ê'.repeat(134), encoding: 'ucs2', segments: 2 },
      { name: '135 UCS-2 units take three', text: 'ê'.repeat(135), encoding: 'ucs2', segments: 3 },
    ];
    for (const c of encodings) {
      it(`encoding and segments: ${c.name} → ${c.encoding}, ${c.segments}`, async () => {
        const [m] = await sendOk(gateway, { to: NUMBERS.delivered, text: c.text });
        assert.equal(m!.encoding, c.encoding);
        assert.equal(m!.segments, c.segments);
        const stored = await getMessage(gateway, m!.id);
        assert.equal(stored.encoding, c.encoding);
        assert.equal(stored.segments, c.segments);
        assert.equal(stored.text, c.text);
      });
    }

    it('a multi-segment message is submitted as one part per segment and delivered', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'x'.repeat(320) });
      const message = await waitForStatus(gateway, id, 'delivered');
      assert.equal(message.segments, 3);
      assert.equal(message.parts?.length, 3);
      assert.deepEqual(
        message.parts!.map((p) => p.index),
        [0, 1, 2],
      );
      assert.equal(new Set(message.parts!.map((p) => p.upstreamId)).size, 3);
      for (const part of message.parts!) {
        assert.equal(part.connector, 'sim');
        assert.equal(part.status, 'delivered');
      }
    });

    it('stores clientRef, metadata, priority, validitySeconds, callbackUrl and from, and GET shows them', async () => {
      const metadata = { orderId: 42, tags: ['a', 'b'], nested: { ok: true, note: null } };
      const [accepted] = await sendOk(gateway, {
        to: NUMBERS.delivered,
        text: 'with options',
        from: 'MyShop',
        clientRef: 'order-42',
        metadata,
        priority: 'urgent',
        validitySeconds: 600,
        callbackUrl: 'https://example.com/hooks/sms?x=1',
      });
      assert.equal(accepted!.clientRef, 'order-42');
      const m = await getMessage(gateway, accepted!.id);
      assert.equal(m.from, 'MyShop');
      assert.equal(m.clientRef, 'order-42');
      assert.deepEqual(m.metadata, metadata);
      assert.equal(m.priority, 'urgent');
      assert.equal(m.callbackUrl, 'https://example.com/hooks/sms?x=1');
      assert.equal(Date.parse(m.expiresAt!) - Date.parse(m.createdAt), 600_000);
    });

    it('without options: priority normal, no metadata, validity of the configured default (48 h)', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'defaults' });
      const m = await getMessage(gateway, id);
      assert.equal(m.priority, 'normal');
      assert.equal(m.metadata, null);
      assert.equal(m.clientRef, null);
      assert.equal(m.callbackUrl, null);
      assert.equal(m.from, null);
      assert.equal(Date.parse(m.expiresAt!) - Date.parse(m.createdAt), 48 * 3600 * 1000);
    });

    for (const priority of ['low', 'normal', 'high', 'urgent']) {
      it(`priority ${priority} round-trips`, async () => {
        const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'p', priority });
        assert.equal((await getMessage(gateway, id)).priority, priority);
      });
    }

    it('a sender may be an E.164 number, a short code or an alphanumeric id', async () => {
      const cases = [
        { from: '+447911123456', shown: '+447911123456' },
        { from: '12345', shown: '12345' },
        { from: 'ACME Ltd', shown: 'ACME Ltd' },
      ];
      for (const c of cases) {
        const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 's', from: c.from });
        assert.equal((await getMessage(gateway, id)).from, c.shown);
      }
    });

    it('scheduleAt in the future gives status scheduled, and the message is sent once due', async () => {
      const scheduleAt = isoIn(300);
      const [m] = await sendOk(gateway, { to: NUMBERS.delivered, text: 'later', scheduleAt });
      assert.equal(m!.status, 'scheduled');
      assert.equal(m!.scheduleAt, scheduleAt);
      const delivered = await waitForStatus(gateway, m!.id, 'delivered');
      assert.equal(delivered.scheduleAt, scheduleAt);
      assert.deepEqual(
        delivered.history!.map((h) => h.status),
        ['scheduled', 'queued', 'sending', 'sent', 'delivered'],
      );
      assert.ok(
        Date.parse(delivered.sentAt!) >= Date.parse(scheduleAt),
        `sent at ${delivered.sentAt}, before its time ${scheduleAt}`,
      );
    });

    it('scheduleAt with an offset is read in that zone', async () => {
      const due = new Date(Date.now() + 3_600_000);
      due.setUTCMilliseconds(0);
      const local = new Date(due.getTime() + 2 * 3_600_000).toISOString().slice(0, 19);
      const [m] = await sendOk(gateway, { to: NUMBERS.delivered, text: 'tz', scheduleAt: `${local}+02:00` });
      assert.equal(m!.status, 'scheduled');
      assert.equal(m!.scheduleAt, due.toISOString());
    });

    it('scheduleAt in the past means now: queued and delivered', async () => {
      const [m] = await sendOk(gateway, { to: NUMBERS.delivered, text: 'past', scheduleAt: isoIn(-60_000) });
      assert.equal(m!.status, 'queued');
      assert.equal(m!.scheduleAt, null);
      await waitForStatus(gateway, m!.id, 'delivered');
    });
  },
  describe,
);

await describeEachDatabase(
  'sim connector outcomes through the API',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('an ordinary number ends delivered: queued → sending → sent → delivered, one attempt', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'ok' });
      const m = await waitForStatus(gateway, id, 'delivered');
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'sent', 'delivered'],
      );
      assert.equal(m.attempts, 1);
      assert.equal(m.connector, 'sim');
      assert.equal(m.lastCode, 'stat:DELIVRD err:000');
      assert.ok(m.sentAt && m.finalAt, 'sentAt and finalAt are set');
    });

    it('a number ending 0000 ends undelivered, with the receipt code', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.undelivered, text: 'x' });
      const m = await waitForStatus(gateway, id, 'undelivered');
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'sent', 'undelivered'],
      );
      assert.equal(m.lastCode, 'stat:UNDELIV err:001');
      assert.equal(m.history!.at(-1)!.code, 'stat:UNDELIV err:001');
      assert.ok(m.finalAt, 'finalAt is set');
    });

    it('a number ending 0001 is rejected at submission, never sent, not retried', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.rejected, text: 'x' });
      const m = await waitForStatus(gateway, id, 'rejected');
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'rejected'],
      );
      assert.equal(m.history!.at(-1)!.code, 'ESME_RINVDSTADR');
      assert.equal(m.attempts, 1);
      assert.equal(m.sentAt, null);
      assert.deepEqual(m.parts, []);
    });

    it('a number ending 0002 ends expired, with the receipt code', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.expired, text: 'x' });
      const m = await waitForStatus(gateway, id, 'expired');
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'sent', 'expired'],
      );
      assert.equal(m.lastCode, 'stat:EXPIRED err:000');
    });

    it('a number ending 0003 is throttled twice, retried, then delivered', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.throttled, text: 'x' });
      const m = await waitForStatus(gateway, id, 'delivered');
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'queued', 'sending', 'queued', 'sending', 'sent', 'delivered'],
      );
      const retries = m.history!.filter((h, i) => i > 0 && h.status === 'queued');
      assert.equal(retries.length, 2);
      for (const retry of retries) {
        assert.equal(retry.code, 'ESME_RTHROTTLED');
        assert.match(retry.detail ?? '', /retrying/);
      }
      assert.equal(m.attempts, 3);
    });

    it('one request to numbers with different fates gives each its own outcome', async () => {
      const messages = await sendOk(gateway, {
        to: [NUMBERS.delivered, NUMBERS.undelivered, NUMBERS.rejected],
        text: 'mixed',
      });
      const expected = ['delivered', 'undelivered', 'rejected'];
      for (const [i, m] of messages.entries()) await waitForStatus(gateway, m.id, expected[i]!);
    });
  },
  describe,
);

await describeEachDatabase(
  'the API over a real TCP socket',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { listen: true });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('listens on a port: health, send, read back and deliver with fetch', async () => {
      assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${gateway.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });

      const sent = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ to: NUMBERS.delivered, text: 'over TCP 😀' }),
      });
      assert.equal(sent.status, 202);
      assert.match(sent.headers.get('content-type') ?? '', /^application\/json/);
      const { messages } = (await sent.json()) as { messages: { id: string; encoding: string }[] };
      assert.equal(messages.length, 1);
      assert.equal(messages[0]!.encoding, 'ucs2');
      const id = messages[0]!.id;

      const delivered = await waitFor(async () => {
        const response = await fetch(`${gateway.url}/v1/messages/${id}`, { headers: ADMIN_AUTH });
        assert.equal(response.status, 200);
        const body = (await response.json()) as { status: string; text: string };
        return body.status === 'delivered' ? body : undefined;
      });
      assert.equal(delivered.text, 'over TCP 😀');

      const unauthenticated = await fetch(`${gateway.url}/v1/messages/${id}`);
      assert.equal(unauthenticated.status, 401);
      assert.match(unauthenticated.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(
        ((await unauthenticated.json()) as { error: { code: string } }).error.code,
        'unauthenticated',
      );
    });
  },
  describe,
);
