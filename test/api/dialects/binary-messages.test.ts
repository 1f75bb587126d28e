// Binary (8-bit) messages through the dialects that send them, to a real SMPP upstream (the
// simulator): Kannel's `udh` + `coding=1` (user guide, "SMS Push (send-sms) CGI Variables": `udh`
// "optional User Data Header (UDH) part of the message. Must be URL encoded", `coding` "Sets the
// coding scheme bits in DCS field. Accepts values 0 to 2, for 7bit, 8bit or UCS-2"; a UDH without
// a coding makes the message 8-bit), and Jasmin's `hex-content` with coding 4 (HTTP API, "HTTP
// request parameters": "hex-content … binary content encoded in hexadecimal"). The upstream must
// get the bytes as given, data_coding 8-bit, UDHI set when there is a UDH; HTTP upstreams refuse
// binary; more than one message's 140 bytes is refused and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { DATA_CODING, ESM_CLASS } from '../../../src/smpp/pdu-flags.js';
import { DEFAULT_PASSWORD, DEFAULT_SYSTEM_ID } from '../../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../../src/smsc-sim/smsc-simulator.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../helpers/gateway.js';
import { assertSuccess, jasminGet, provisionJasmin } from './jasmin-support.js';
import { assertAccepted, assertKannel, provisionKannel, sendsms } from './kannel-support.js';

/** A WAP push port-addressing UDH (IEI 0x05: destination port 2948, source 9200). */
const UDH = Buffer.from('0605040b8423f0', 'hex');
const DATA = Buffer.from('01060403ae81ea02056a0045c60c03', 'hex');

/** Percent-encodes every byte, as Kannel's clients send binary fields. */
const urlBytes = (bytes: Buffer) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

await describeEachDatabase(
  'binary messages (Kannel udh/coding=1, Jasmin hex-content)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let sim: SmscSimulator;
    before(async () => {
      sim = new SmscSimulator({ receiptDelayMs: 10 });
      const port = await sim.start(0);
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: {
          connectors: [
            {
              name: 'smsc',
              type: 'smpp',
              host: '127.0.0.1',
              port,
              systemId: DEFAULT_SYSTEM_ID,
              password: DEFAULT_PASSWORD,
            },
            {
              name: 'web',
              type: 'http',
              url: 'http://127.0.0.1:9/send',
              body: { format: 'json', fields: { to: '{{to}}', text: '{{text}}' } },
              response: { idPath: 'id' },
            },
          ],
          routes: [
            { prefix: '+1', connector: 'web' },
            { prefix: '+', connector: 'smsc' },
          ],
        },
      });
      await provisionKannel(gateway, { username: 'foo', password: 'bar' });
      await provisionJasmin(gateway, { username: 'jfoo', password: 'jbar' });
      await waitFor(() => (gateway.connectors.get('smsc')!.status().state === 'up' ? true : undefined));
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
      await sim.stop();
    });

    const submitTo = (number: string) =>
      waitFor(() => sim.submits.find((s) => s.destinationAddr === number), 10_000, `submit_sm to ${number}`);
    const status = async (id: string) => {
      const row = await store.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { status: row.status, encoding: row.encoding, text: row.body, segments: row.segments };
    };

    it('Kannel: udh and 8-bit text reach the SMSC as sent, UDHI set, data_coding 8-bit', async () => {
      const query = `username=foo&password=bar&to=447911100201&udh=${urlBytes(UDH)}&text=${urlBytes(DATA)}`;
      const [id] = assertAccepted(await gateway.http.inject(sendsms(query)));
      const submit = await submitTo('447911100201');
      assert.deepEqual(submit.shortMessage, Buffer.concat([UDH, DATA]));
      assert.equal(submit.dataCoding, DATA_CODING.OCTET_UNSPECIFIED);
      assert.equal(submit.esmClass & ESM_CLASS.UDHI, ESM_CLASS.UDHI);
      const view = await status(id!);
      assert.equal(view.encoding, 'binary');
      assert.equal(view.text, Buffer.concat([UDH, DATA]).toString('hex'));
      assert.equal(view.segments, 1);
      await waitFor(async () => ((await status(id!)).status === 'delivered' ? true : undefined));
    });

    it('Kannel: coding=1 without a UDH is 8-bit data, no UDHI', async () => {
      const [id] = assertAccepted(
        await gateway.http.inject(
          sendsms(`username=foo&password=bar&to=447911100202&coding=1&text=${urlBytes(DATA)}`),
        ),
      );
      const submit = await submitTo('447911100202');
      assert.deepEqual(submit.shortMessage, DATA);
      assert.equal(submit.esmClass & ESM_CLASS.UDHI, 0);
      assert.equal(submit.dataCoding, DATA_CODING.OCTET_UNSPECIFIED);
      assert.equal((await status(id!)).encoding, 'binary');
    });

    it('Kannel: a UDH before a 7-bit text is refused, naming the UDH, and stores nothing', async () => {
      const before = sim.submits.length;
      const response = await gateway.http.inject(
        sendsms(`username=foo&password=bar&to=447911100203&coding=0&udh=${urlBytes(UDH)}&text=hello`),
      );
      assertKannel(response, 400, /^UDH is supported with 8-bit messages only/);
      const rows = await store.db
        .selectFrom('messages')
        .select('id')
        .where('to_number', '=', '+447911100203')
        .execute();
      assert.deepEqual(rows, []);
      assert.equal(sim.submits.length, before);
    });

    it('more than 140 bytes (UDH included) is refused and stores nothing', async () => {
      const long = Buffer.alloc(134, 0xab);
      const response = await gateway.http.inject(
        sendsms(`username=foo&password=bar&to=447911100204&udh=${urlBytes(UDH)}&text=${urlBytes(long)}`),
      );
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.body, /141 bytes of binary data/);
      const rows = await store.db
        .selectFrom('messages')
        .select('id')
        .where('to_number', '=', '+447911100204')
        .execute();
      assert.deepEqual(rows, []);
    });

    it('Jasmin: hex-content with coding 4 reaches the SMSC as those bytes', async () => {
      const id = assertSuccess(
        await gateway.http.inject(
          jasminGet('/send', {
            username: 'jfoo',
            password: 'jbar',
            to: '447911100205',
            coding: '4',
            'hex-content': DATA.toString('hex'),
          }),
        ),
      );
      const submit = await submitTo('447911100205');
      assert.deepEqual(submit.shortMessage, DATA);
      assert.equal(submit.dataCoding, DATA_CODING.OCTET_UNSPECIFIED);
      assert.equal((await status(id)).encoding, 'binary');
    });

    it('an HTTP upstream refuses a binary message: final with binary_not_supported, not retried', async () => {
      const [id] = assertAccepted(
        await gateway.http.inject(
          sendsms(`username=foo&password=bar&to=12025550123&coding=1&text=${urlBytes(DATA)}`),
        ),
      );
      const final = await waitFor(async () => {
        const row = await store.db
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', id!)
          .executeTakeFirstOrThrow();
        return row.final_at === null ? undefined : row;
      });
      assert.equal(final.status, 'rejected');
      assert.equal(final.last_code, 'binary_not_supported');
      assert.equal(final.attempts, 1);
    });
  },
  describe,
);
