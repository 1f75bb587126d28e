import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeText } from '../../src/core/text-encoding.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { parseDeliveryReceipt } from '../../src/smpp/delivery-receipt.js';
import { MESSAGE_STATES } from '../../src/smpp/message-state.js';
import type { Pdu } from '../../src/smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, isDeliveryReceipt } from '../../src/smpp/pdu-flags.js';
import { bindSession } from '../../src/smpp/smpp-client.js';
import type { SmppSession } from '../../src/smpp/smpp-session.js';
import { messageState, receiptedMessageId } from '../../src/smpp/tlv-values.js';
import { buildConcatUdh } from '../../src/smpp/udh.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { waitUntil } from './smpp-test-kit.js';

/**
 * Sessions against the independent `smpp` npm package (farhadi/node-smpp 0.5.1): its client against
 * our SMSC simulator, and our client against its server. short_message is always given to it as a
 * Buffer, and read back with data_coding 4 (binary) where exact bytes matter, because it decodes
 * strings by data_coding with its own defaults.
 */

interface ForeignPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  response(options?: Record<string, unknown>): ForeignPdu;
  [field: string]: unknown;
}

interface ForeignSession {
  send(pdu: ForeignPdu, onResponse?: (pdu: ForeignPdu) => void): boolean;
  on(event: string, listener: (pdu: ForeignPdu) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(callback?: () => void): void;
  destroy(callback?: () => void): void;
  [command: string]: unknown;
}

interface ForeignServer {
  sessions: ForeignSession[];
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo;
  close(callback?: () => void): void;
}

const require = createRequire(import.meta.url);
const smpp = require('smpp') as {
  connect(options: { host: string; port: number }): ForeignSession;
  createServer(listener: (session: ForeignSession) => void): ForeignServer;
};

/** Calls one of its session's shortcut methods and resolves with the response. */
function call(
  session: ForeignSession,
  command: string,
  options: Record<string, unknown> = {},
): Promise<ForeignPdu> {
  return new Promise((resolve) => {
    (session[command] as (options: Record<string, unknown>, cb: (pdu: ForeignPdu) => void) => void).call(
      session,
      options,
      resolve,
    );
  });
}

describe('the smpp package as client, our SmscSimulator as SMSC', () => {
  let simulator: SmscSimulator;
  let session: ForeignSession;
  const deliveries: ForeignPdu[] = [];
  const errors: Error[] = [];

  before(async () => {
    simulator = new SmscSimulator({ systemId: 'interop', password: 'pw123', receiptDelayMs: 20 });
    const port = await simulator.start(0, '127.0.0.1');
    session = smpp.connect({ host: '127.0.0.1', port });
    session.on('error', (error: Error) => errors.push(error));
    session.on('deliver_sm', (pdu: ForeignPdu) => {
      deliveries.push(pdu);
      session.send(pdu.response());
    });
  });

  after(async () => {
    session?.destroy();
    await simulator?.stop();
  });

  it('binds as transceiver, submits, gets a message id and then a receipt that names it', async () => {
    const bound = await call(session, 'bind_transceiver', { system_id: 'interop', password: 'pw123' });
    assert.equal(bound.command, 'bind_transceiver_resp');
    assert.equal(bound.command_status, S.ESME_ROK);
    assert.equal(bound.system_id, 'smscsim');

    const response = await call(session, 'submit_sm', {
      source_addr_ton: 5,
      source_addr: 'Interop',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900123',
      registered_delivery: 1,
      data_coding: 0,
      short_message: Buffer.from('Hello interop'),
    });
    assert.equal(response.command, 'submit_sm_resp');
    assert.equal(response.command_status, S.ESME_ROK);
    const messageId = response.message_id as string;
    assert.match(messageId, /^[0-9a-f]+$/);

    const [record] = simulator.submits;
    assert.ok(record);
    assert.equal(record.messageId, messageId);
    assert.equal(record.destinationAddr, '447700900123');
    assert.equal(record.sourceAddr, 'Interop');
    assert.equal(record.sourceAddrTon, 5);
    assert.equal(record.destAddrTon, 1);
    assert.equal(record.destAddrNpi, 1);
    assert.deepEqual(record.shortMessage, Buffer.from('Hello interop'));
    assert.equal(record.registeredDelivery, 1);

    const receipt = await waitUntil(() => deliveries[0], 'the receipt');
    assert.equal(receipt.esm_class, ESM_CLASS.SMSC_DELIVERY_RECEIPT);
    assert.equal(receipt.receipted_message_id, messageId);
    assert.equal(receipt.message_state, MESSAGE_STATES.DELIVERED);
    assert.equal(receipt.source_addr, '447700900123');
    assert.equal(receipt.destination_addr, 'Interop');
    const text = (receipt.short_message as { message: string }).message;
    const fields = parseDeliveryReceipt(text);
    assert.equal(fields?.id, messageId);
    assert.equal(fields?.stat, 'DELIVRD');
    assert.equal(fields?.text, 'Hello interop');
    await waitUntil(() => simulator.counters.receiptsSent === 1, 'the receipt to be acknowledged');
  });

  it('answers enquire_link and unbind', async () => {
    const pong = await call(session, 'enquire_link');
    assert.equal(pong.command, 'enquire_link_resp');
    assert.equal(pong.command_status, S.ESME_ROK);
    const unbound = await call(session, 'unbind');
    assert.equal(unbound.command, 'unbind_resp');
    assert.equal(unbound.command_status, S.ESME_ROK);
    await waitUntil(() => simulator.boundSessions.length === 0, 'the simulator to forget the session');
    assert.deepEqual(errors, []);
  });
});

describe('our bindSession client, the smpp package as SMSC', () => {
  let server: ForeignServer;
  let ours: SmppSession;
  const binds: ForeignPdu[] = [];
  const submits: ForeignPdu[] = [];
  const unbinds: ForeignPdu[] = [];
  const theirSessions: ForeignSession[] = [];
  const received: Pdu[] = [];

  before(async () => {
    server = smpp.createServer((session) => {
      theirSessions.push(session);
      session.on('error', () => {});
      session.on('bind_transceiver', (pdu: ForeignPdu) => {
        binds.push(pdu);
        session.send(pdu.response({ system_id: 'node-smpp' }));
      });
      session.on('submit_sm', (pdu: ForeignPdu) => {
        submits.push(pdu);
        session.send(pdu.response({ message_id: `their-${submits.length}` }));
      });
      session.on('enquire_link', (pdu: ForeignPdu) => session.send(pdu.response()));
      session.on('unbind', (pdu: ForeignPdu) => {
        unbinds.push(pdu);
        session.send(pdu.response());
        session.close();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ours = await bindSession(
      {
        host: '127.0.0.1',
        port: server.address().port,
        systemId: 'ours',
        password: 'secret',
        systemType: 'gw',
        mode: 'transceiver',
      },
      (pdu, session) => {
        received.push(pdu);
        session.respond(pdu, 'deliver_sm_resp');
      },
    );
  });

  after(async () => {
    ours?.close();
    for (const session of theirSessions) session.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('binds with the credentials it sent', () => {
    assert.equal(ours.state, 'bound_trx');
    assert.equal(binds[0]?.system_id, 'ours');
    assert.equal(binds[0]?.password, 'secret');
    assert.equal(binds[0]?.system_type, 'gw');
    assert.equal(binds[0]?.interface_version, 0x34);
  });

  it('submits binary, UCS-2 and concatenated messages that it reads field for field', async () => {
    const binary = Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff]);
    const first = await ours.request('submit_sm', {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900001',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900123',
      registered_delivery: 1,
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      short_message: binary,
    });
    assert.equal(first.commandStatus, S.ESME_ROK);
    assert.ok(first.command === 'submit_sm_resp');
    assert.equal(first.message_id, 'their-1');

    const second = await ours.request('submit_sm', {
      destination_addr: '447700900124',
      data_coding: DATA_CODING.UCS2,
      short_message: encodeText('Привет 👋', 'ucs2'),
    });
    assert.ok(second.command === 'submit_sm_resp');
    assert.equal(second.message_id, 'their-2');

    const udh = buildConcatUdh({ reference: 0x42, total: 2, seqnum: 1, refBits: 8 });
    await ours.request('submit_sm', {
      destination_addr: '447700900125',
      esm_class: ESM_CLASS.UDHI,
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      short_message: Buffer.concat([udh, Buffer.from('part one')]),
    });

    const [a, b, c] = submits;
    assert.ok(a && b && c);
    assert.equal(a.destination_addr, '447700900123');
    assert.equal(a.source_addr, '447700900001');
    assert.equal(a.source_addr_ton, 1);
    assert.equal(a.dest_addr_npi, 1);
    assert.equal(a.registered_delivery, 1);
    assert.equal(a.data_coding, DATA_CODING.OCTET_UNSPECIFIED);
    assert.deepEqual((a.short_message as { message: Buffer }).message, binary);

    assert.equal(b.destination_addr, '447700900124');
    assert.equal(b.data_coding, DATA_CODING.UCS2);
    assert.equal((b.short_message as { message: string }).message, 'Привет 👋');

    assert.equal(c.esm_class, ESM_CLASS.UDHI);
    const split = c.short_message as { udh: Buffer[]; message: Buffer };
    assert.deepEqual(split.udh, [Buffer.from([0x00, 0x03, 0x42, 0x02, 0x01])]);
    assert.deepEqual(split.message, Buffer.from('part one'));
  });

  it('receives its deliver_sm (MO and receipt) in our request handler, which answers them', async () => {
    const theirs = theirSessions[0]!;
    const moResponse = await call(theirs, 'deliver_sm', {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900999',
      destination_addr: '12345',
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      short_message: Buffer.from('MO text'),
    });
    assert.equal(moResponse.command, 'deliver_sm_resp');
    assert.equal(moResponse.command_status, S.ESME_ROK);

    const receiptResponse = await call(theirs, 'deliver_sm', {
      source_addr: '447700900123',
      destination_addr: '447700900001',
      esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      short_message: Buffer.from(
        'id:their-1 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:',
      ),
      receipted_message_id: 'their-1',
      message_state: MESSAGE_STATES.DELIVERED,
    });
    assert.equal(receiptResponse.command_status, S.ESME_ROK);

    const [mo, receipt] = received;
    assert.ok(mo?.command === 'deliver_sm');
    assert.equal(mo.source_addr, '447700900999');
    assert.equal(mo.source_addr_ton, 1);
    assert.equal(mo.destination_addr, '12345');
    assert.deepEqual(Buffer.from(mo.short_message), Buffer.from('MO text'));
    assert.ok(receipt?.command === 'deliver_sm');
    assert.ok(isDeliveryReceipt(receipt.esm_class));
    assert.equal(receiptedMessageId(receipt), 'their-1');
    assert.equal(messageState(receipt), MESSAGE_STATES.DELIVERED);
    assert.equal(parseDeliveryReceipt(receipt.short_message.toString('latin1'))?.stat, 'DELIVRD');
  });

  it('answers its enquire_link and unbinds cleanly', async () => {
    const pong = await call(theirSessions[0]!, 'enquire_link');
    assert.equal(pong.command, 'enquire_link_resp');
    await ours.unbind();
    assert.equal(ours.state, 'closed');
    assert.equal(unbinds.length, 1);
  });
});
