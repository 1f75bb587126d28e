import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { decodeGsm7 } from '../../src/core/gsm7.js';
import type { Gateway } from '../../src/gateway.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import type { Pdu } from '../../src/smpp/pdu.js';
import { encodePdu } from '../../src/smpp/pdu-codec.js';
import { BindRefusedError, bindSession } from '../../src/smpp/smpp-client.js';
import type { SmppSession } from '../../src/smpp/smpp-session.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import { receiptedMessageId } from '../../src/smpp/tlv-values.js';
import { describeEachDatabase, TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, waitFor } from '../helpers/gateway.js';
import { connectRaw, freePort } from '../smpp/smpp-test-kit.js';
import { createSmppAccount, smppPortOf, startSmppGateway } from './smpp-server-kit.js';

const TLS_DIR = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** Binds our own client (a real socket) and records what the server sends it. */
async function bindAs(
  gateway: Gateway,
  systemId: string,
  mode: 'transmitter' | 'receiver' | 'transceiver' = 'transceiver',
  password = 'pass1234',
): Promise<{ session: SmppSession; delivered: Pdu[] }> {
  const delivered: Pdu[] = [];
  const session = await bindSession(
    { host: '127.0.0.1', port: smppPortOf(gateway), systemId, password, mode },
    (pdu, s) => {
      delivered.push(pdu);
      if (pdu.command === 'deliver_sm') s.respond(pdu, 'deliver_sm_resp');
    },
  );
  return { session, delivered };
}

async function refusalOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BindRefusedError) return error.commandStatus;
    throw error;
  }
  throw new Error('the bind was accepted');
}

const submit = (to = '447911123456', text = 'hello') =>
  ({
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: to,
    registered_delivery: 1,
    short_message: Buffer.from(text),
  }) as const;

await describeEachDatabase(
  'SMPP server: binds, errors and deliveries',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let accountId: string;

    before(async () => {
      store = await db.open();
      gateway = await startSmppGateway(store, {
        smppServer: { maxBindsPerAccount: 2, receiveWindow: 1 },
        maxFailedAuthPerMinute: 2,
      });
      ({ accountId } = await createSmppAccount(gateway, 'behave1', 'pass1234'));
    });

    after(async () => {
      await gateway?.stop(false);
      await store?.destroy();
    });

    it('holds an account to its most binds at once (ESME_RBINDFAIL past it)', async () => {
      const first = await bindAs(gateway, 'behave1');
      const second = await bindAs(gateway, 'behave1', 'receiver');
      assert.equal(await refusalOf(bindAs(gateway, 'behave1', 'transmitter')), S.ESME_RBINDFAIL);
      await first.session.unbind();
      await waitFor(() => (gateway.smpp.status().length === 1 ? true : undefined), 5000, 'one bind left');
      const third = await bindAs(gateway, 'behave1', 'transmitter');
      await third.session.unbind();
      await second.session.unbind();
    });

    it('slows down an address that keeps failing: past the limit even the right password is refused', async () => {
      const create = await createSmppAccount(gateway, 'guessed1', 'pass1234');
      assert.ok(create.accountId);
      assert.equal(await refusalOf(bindAs(gateway, 'guessed1', 'transceiver', 'wrong123')), S.ESME_RINVPASWD);
      assert.equal(await refusalOf(bindAs(gateway, 'guessed1', 'transceiver', 'wrong456')), S.ESME_RINVPASWD);
      assert.equal(await refusalOf(bindAs(gateway, 'guessed1', 'transceiver', 'pass1234')), S.ESME_RBINDFAIL);
    });

    it('refuses submits before a bind and on a receiver bind with ESME_RINVBNDSTS', async () => {
      const raw = await connectRaw(smppPortOf(gateway));
      raw.send('submit_sm', { ...submit(), sequenceNumber: 7 });
      const [answer] = await raw.waitFor('submit_sm_resp');
      assert.equal(answer?.commandStatus, S.ESME_RINVBNDSTS);
      assert.equal(answer?.sequenceNumber, 7);
      raw.destroy();
      const receiver = await bindAs(gateway, 'behave1', 'receiver');
      const response = await receiver.session.request('submit_sm', submit());
      assert.equal(response.commandStatus, S.ESME_RINVBNDSTS);
      await receiver.session.unbind();
    });

    it('answers malformed PDUs with generic_nack or the right status and keeps serving', async () => {
      const raw = await connectRaw(smppPortOf(gateway));
      raw.send('bind_transceiver', { system_id: 'behave1', password: 'pass1234', sequenceNumber: 1 });
      await raw.waitFor('bind_transceiver_resp');
      // An unknown command id.
      const header = Buffer.alloc(16);
      header.writeUInt32BE(16, 0);
      header.writeUInt32BE(0x0000_0099, 4);
      header.writeUInt32BE(0, 8);
      header.writeUInt32BE(2, 12);
      raw.writeRaw(header);
      const [nack] = await raw.waitFor('generic_nack');
      assert.equal(nack?.commandStatus, S.ESME_RINVCMDID);
      assert.equal(nack?.sequenceNumber, 2);
      // A submit_sm whose body stops half-way: its own response, with an error.
      const truncated = Buffer.alloc(20);
      truncated.writeUInt32BE(20, 0);
      truncated.writeUInt32BE(0x0000_0004, 4);
      truncated.writeUInt32BE(0, 8);
      truncated.writeUInt32BE(3, 12);
      truncated.write('abc', 16);
      raw.writeRaw(truncated);
      const [bad] = await raw.waitFor('submit_sm_resp');
      assert.notEqual(bad?.commandStatus, S.ESME_ROK);
      // UDHI set with no header in short_message.
      raw.send('submit_sm', {
        ...submit(),
        esm_class: 0x40,
        short_message: Buffer.from([9, 9]),
        sequenceNumber: 4,
      });
      const answers = await raw.waitFor('submit_sm_resp', 2);
      assert.equal(answers[1]?.commandStatus, S.ESME_RINVESMCLASS);
      raw.send('enquire_link', { sequenceNumber: 5 });
      await raw.waitFor('enquire_link_resp');
      assert.equal(raw.closed, false);
      raw.destroy();
    });

    it('throttles a bind past its receive window, and an account past its rate (ESME_RTHROTTLED)', async () => {
      const raw = await connectRaw(smppPortOf(gateway));
      raw.send('bind_transmitter', { system_id: 'behave1', password: 'pass1234', sequenceNumber: 1 });
      await raw.waitFor('bind_transmitter_resp');
      // Two submits in one write: the second arrives while the first is being committed.
      raw.writeRaw(Buffer.concat([encodePdu(makeSubmit(2)), encodePdu(makeSubmit(3))]));
      const answers = await raw.waitFor('submit_sm_resp', 2);
      const bySequence = new Map(answers.map((a) => [a.sequenceNumber, a.commandStatus]));
      assert.equal(bySequence.get(2), S.ESME_ROK);
      assert.equal(bySequence.get(3), S.ESME_RTHROTTLED);
      raw.destroy();

      const limited = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${accountId}`,
        headers: ADMIN_AUTH,
        payload: { limits: { ratePerSecond: 0.1, burst: 1 } },
      });
      assert.equal(limited.statusCode, 200, limited.body);
      const client = await bindAs(gateway, 'behave1', 'transmitter');
      const firstAnswer = await client.session.request('submit_sm', submit());
      const secondAnswer = await client.session.request('submit_sm', submit());
      assert.deepEqual(
        [firstAnswer.commandStatus, secondAnswer.commandStatus],
        [S.ESME_ROK, S.ESME_RTHROTTLED],
      );
      await client.session.unbind();
      await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${accountId}`,
        headers: ADMIN_AUTH,
        payload: { limits: { ratePerSecond: null, burst: null } },
      });
    });

    it('takes data_sm (message_payload) and submit_multi (one message per destination)', async () => {
      const client = await bindAs(gateway, 'behave1', 'transceiver');
      const data = await client.session.request('data_sm', {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '447911123457',
        registered_delivery: 1,
        tlvs: [{ tag: TLV_TAGS.message_payload, value: Buffer.from('data sm text') }],
      });
      assert.equal(data.command, 'data_sm_resp');
      assert.equal(data.commandStatus, S.ESME_ROK);
      const multi = await client.session.request('submit_multi', {
        dest_addresses: [
          { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447911123458' },
          { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447911123459' },
        ],
        short_message: Buffer.from('to two'),
      });
      assert.equal(multi.command, 'submit_multi_resp');
      assert.equal(multi.commandStatus, S.ESME_ROK);
      const rows = await store.db
        .selectFrom('messages')
        .select(['to_number', 'body'])
        .where('body', 'in', ['data sm text', 'to two'])
        .orderBy('to_number')
        .execute();
      assert.deepEqual(rows, [
        { to_number: '+447911123457', body: 'data sm text' },
        { to_number: '+447911123458', body: 'to two' },
        { to_number: '+447911123459', body: 'to two' },
      ]);
      assert.ok(data.command === 'data_sm_resp');
      await waitFor(
        () =>
          client.delivered.some(
            (pdu) => pdu.command === 'deliver_sm' && receiptedMessageId(pdu) === data.message_id,
          )
            ? true
            : undefined,
        10_000,
        "the data_sm's receipt",
      );
      await client.session.unbind();
    });

    it('routes inbound messages to the account as deliver_sm, held until a receiver binds', async () => {
      const owned = await gateway.http.inject({
        method: 'PUT',
        url: '/v1/numbers/+447911000111',
        headers: ADMIN_AUTH,
        payload: { accountId },
      });
      assert.equal(owned.statusCode, 200, owned.body);
      const sent = await gateway.http.inject({
        method: 'POST',
        url: '/v1/connectors/sim/inbound',
        headers: ADMIN_AUTH,
        payload: { from: '+447911222333', to: '+447911000111', text: 'Reply @ you' },
      });
      assert.equal(sent.statusCode, 202, sent.body);
      const receiver = await bindAs(gateway, 'behave1', 'receiver');
      const inbound = await waitFor(
        // Receipts of earlier tests' messages may come first; the inbound message is the one that is not.
        () => receiver.delivered.find((pdu) => pdu.command === 'deliver_sm' && pdu.esm_class === 0),
        10_000,
        'the inbound deliver_sm',
      );
      assert.ok(inbound.command === 'deliver_sm');
      assert.equal(inbound.source_addr, '447911222333');
      assert.equal(inbound.destination_addr, '447911000111');
      assert.equal(inbound.esm_class, 0);
      assert.equal(decodeGsm7(inbound.short_message), 'Reply @ you');
      await receiver.session.unbind();
    });

    it('answers ESME_RSYSERR when the store cannot take the message', async () => {
      const client = await bindAs(gateway, 'behave1', 'transmitter');
      const ok = await client.session.request('submit_sm', submit());
      assert.equal(ok.commandStatus, S.ESME_ROK);
      // The accept path's own table goes away for one submit (a real store failure, nothing mocked).
      await sql`ALTER TABLE account_usage RENAME TO account_usage_away`.execute(store.db);
      let failed: Pdu;
      try {
        failed = await client.session.request('submit_sm', submit());
      } finally {
        await sql`ALTER TABLE account_usage_away RENAME TO account_usage`.execute(store.db);
      }
      assert.equal(failed.commandStatus, S.ESME_RSYSERR);
      const again = await client.session.request('submit_sm', submit());
      assert.equal(again.commandStatus, S.ESME_ROK);
      await client.session.unbind();
    });
  },
  describe,
);

function makeSubmit(sequenceNumber: number): Pdu {
  return {
    command: 'submit_sm',
    commandStatus: 0,
    sequenceNumber,
    service_type: '',
    source_addr_ton: 0,
    source_addr_npi: 0,
    source_addr: '',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '447911123456',
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: 0,
    sm_default_msg_id: 0,
    short_message: Buffer.from('window'),
    tlvs: [],
  };
}

describe('SMPP server: TLS listener and graceful shutdown', () => {
  let store: TestStore;
  let gateway: Gateway;

  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startSmppGateway(store, {
      smppServer: {
        tlsPort: await freePort(),
        tlsCertFile: join(TLS_DIR, 'localhost.crt'),
        tlsKeyFile: join(TLS_DIR, 'localhost.key'),
      },
    });
    await createSmppAccount(gateway, 'tls1', 'pass1234');
  });

  after(async () => {
    await store?.destroy();
  });

  it('binds and submits over TLS; a stopping gateway unbinds its clients', async () => {
    const tlsPort = gateway.smpp.ports.tls;
    assert.ok(tlsPort);
    const session = await bindSession({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca: readFileSync(join(TLS_DIR, 'localhost.crt')), servername: 'localhost' },
      systemId: 'tls1',
      password: 'pass1234',
      mode: 'transceiver',
    });
    const response = await session.request('submit_sm', submit());
    assert.equal(response.commandStatus, S.ESME_ROK);
    let closedWith: Error | undefined | 'open' = 'open';
    session.onClose((error) => {
      closedWith = error;
    });
    await gateway.stop(false);
    // The gateway sent unbind and the session ended cleanly (no error), not by a dropped connection.
    assert.equal(closedWith, undefined);
  });
});
