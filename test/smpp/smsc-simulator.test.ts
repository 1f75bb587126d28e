import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.js';
import { decodeText, encodeText } from '../../src/core/text-encoding.js';
import type { BindMode } from '../../src/smpp/bind-modes.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { parseDeliveryReceipt } from '../../src/smpp/delivery-receipt.js';
import { MESSAGE_STATES } from '../../src/smpp/message-state.js';
import type { DeliverSm, Pdu, PduInit } from '../../src/smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, isDeliveryReceipt } from '../../src/smpp/pdu-flags.js';
import { BindRefusedError, bindSession } from '../../src/smpp/smpp-client.js';
import { SessionClosedError, type SmppSession, SmppTimeoutError } from '../../src/smpp/smpp-session.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import {
  messageState,
  networkErrorCode,
  receiptedMessageId,
  u8Tlv,
  u16Tlv,
} from '../../src/smpp/tlv-values.js';
import { buildConcatUdh, parseUdh } from '../../src/smpp/udh.js';
import type { SmscSimOptions } from '../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { waitUntil } from './smpp-test-kit.js';

/** The SMSC simulator over real sockets, driven by our own bindSession client. */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSimulator(
  options: SmscSimOptions = {},
): Promise<{ simulator: SmscSimulator; port: number }> {
  const simulator = new SmscSimulator({
    receiptDelayMs: 10,
    session: { responseTimeoutMs: 1000 },
    ...options,
  });
  const port = await simulator.start();
  cleanups.push(() => simulator.stop());
  return { simulator, port };
}

interface Client {
  session: SmppSession;
  /** deliver_sm received, in order (answered ESME_ROK unless `answer` says otherwise). */
  delivered: DeliverSm[];
}

async function connectClient(
  port: number,
  options: {
    mode?: BindMode;
    systemId?: string;
    password?: string;
    responseTimeoutMs?: number;
    answer?: (pdu: DeliverSm) => number;
  } = {},
): Promise<Client> {
  const delivered: DeliverSm[] = [];
  const session = await bindSession(
    {
      host: '127.0.0.1',
      port,
      systemId: options.systemId ?? 'smsgate',
      password: options.password ?? 'secret',
      mode: options.mode ?? 'transceiver',
      responseTimeoutMs: options.responseTimeoutMs ?? 2000,
    },
    (pdu, s) => {
      if (pdu.command !== 'deliver_sm') return s.respondError(pdu, S.ESME_RINVCMDID);
      delivered.push({ ...pdu, short_message: Buffer.from(pdu.short_message) });
      const status = options.answer?.(pdu) ?? S.ESME_ROK;
      s.respond(pdu, 'deliver_sm_resp', { commandStatus: status });
    },
  );
  cleanups.push(() => session.close());
  return { session, delivered };
}

async function submit(session: SmppSession, init: PduInit<'submit_sm'>): Promise<Pdu> {
  return session.request('submit_sm', {
    source_addr: 'Sender',
    short_message: Buffer.from('hello'),
    registered_delivery: 1,
    ...init,
  });
}

function messageIdOf(response: Pdu): string {
  assert.equal(response.commandStatus, S.ESME_ROK, `submit_sm_resp status ${response.commandStatus}`);
  assert.ok(response.command === 'submit_sm_resp');
  return response.message_id;
}

function receiptFor(client: Client, messageId: string): Promise<DeliverSm> {
  return waitUntil(
    () => client.delivered.find((pdu) => receiptedMessageId(pdu) === messageId),
    `the receipt of ${messageId}`,
  );
}

describe('SmscSimulator options', () => {
  it('rejects invalid options, naming the option', () => {
    const bad: [SmscSimOptions, RegExp][] = [
      [{ throttleEvery: 0 }, /throttleEvery/],
      [{ receiptDelayMs: -1 }, /receiptDelayMs/],
      [{ messageIdFormat: 'octal' as 'hex' }, /messageIdFormat/],
      [{ rules: [{ outcome: 'delivered' }] }, /rules\.0/],
      [{ rules: [{ suffix: '1', outcome: 'lost' as 'silent' }] }, /rules\.0\.outcome/],
      [{ systemId: 'far-too-long-system-id' }, /systemId/],
      [{ password: 'ninechars' }, /password/],
      [{ throttleEvry: 2 } as SmscSimOptions, /throttleEvry/],
    ];
    for (const [options, message] of bad) {
      assert.throws(
        () => new SmscSimulator(options),
        (error: unknown) => error instanceof ValidationError && message.test(error.message),
        JSON.stringify(options),
      );
    }
  });

  it('fills in the defaults and freezes them', () => {
    const { settings } = new SmscSimulator();
    assert.deepEqual(settings.accounts, [{ systemId: 'smsgate', password: 'secret' }]);
    assert.equal(settings.receiptDelayMs, 100);
    assert.equal(settings.messageIdFormat, 'hex');
    assert.equal(settings.receiptIdFormat, 'hex');
    assert.deepEqual(
      settings.rules.map((rule) => [rule.suffix, rule.outcome]),
      [
        ['0000', 'undelivered'],
        ['0001', 'rejected'],
        ['0002', 'expired'],
      ],
    );
    assert.ok(Object.isFrozen(settings) && Object.isFrozen(settings.rules[0]));
  });
});

describe('SmscSimulator binds', () => {
  it('accepts each configured account and refuses wrong credentials with the right status', async () => {
    const { port, simulator } = await startSimulator({
      accounts: [
        { systemId: 'alpha', password: 'pa' },
        { systemId: 'beta', password: 'pb' },
      ],
    });
    for (const [systemId, password] of [
      ['alpha', 'pa'],
      ['beta', 'pb'],
    ] as const) {
      const { session } = await connectClient(port, { systemId, password });
      assert.equal(session.state, 'bound_trx');
    }
    const refusals: [string, string, number][] = [
      ['alpha', 'pb', S.ESME_RINVPASWD],
      ['gamma', 'pa', S.ESME_RINVSYSID],
      ['smsgate', 'secret', S.ESME_RINVSYSID],
    ];
    for (const [systemId, password, status] of refusals) {
      await assert.rejects(
        connectClient(port, { systemId, password }),
        (error: unknown) => error instanceof BindRefusedError && error.commandStatus === status,
        `${systemId}/${password}`,
      );
    }
    assert.deepEqual(simulator.boundSessions.map((bound) => bound.systemId).sort(), ['alpha', 'beta']);
  });

  it('refuses submit_sm from a receiver with ESME_RINVBNDSTS and a second bind with ESME_RALYBND', async () => {
    const { port } = await startSimulator();
    const { session } = await connectClient(port, { mode: 'receiver' });
    const response = await submit(session, { destination_addr: '447700900123' });
    assert.equal(response.commandStatus, S.ESME_RINVBNDSTS);
    const again = await session.request('bind_receiver', { system_id: 'smsgate', password: 'secret' });
    assert.equal(again.commandStatus, S.ESME_RALYBND);
    const query = await session.request('query_sm', { message_id: '1' });
    assert.equal(query.commandStatus, S.ESME_RINVCMDID);
  });
});

describe('SmscSimulator submissions', () => {
  it('records every field of each accepted submit_sm', async () => {
    const { port, simulator } = await startSimulator();
    const { session } = await connectClient(port);
    const udh = buildConcatUdh({ reference: 0x1234, total: 3, seqnum: 2, refBits: 16 });
    const ucs2 = encodeText('Grüße ✓', 'ucs2');
    const first = messageIdOf(
      await submit(session, {
        service_type: 'CMT',
        source_addr_ton: 5,
        source_addr_npi: 0,
        source_addr: 'Acme',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '447700900123',
        esm_class: ESM_CLASS.UDHI,
        protocol_id: 0,
        priority_flag: 2,
        schedule_delivery_time: '000000000100000R',
        validity_period: '000001000000000R',
        registered_delivery: 1,
        data_coding: DATA_CODING.UCS2,
        short_message: Buffer.concat([udh, ucs2]),
        tlvs: [u16Tlv(TLV_TAGS.user_message_reference, 77)],
      }),
    );
    const second = messageIdOf(
      await submit(session, {
        destination_addr: '447700900124',
        registered_delivery: 0,
        short_message: Buffer.from('part'),
        tlvs: [
          u16Tlv(TLV_TAGS.sar_msg_ref_num, 9),
          u8Tlv(TLV_TAGS.sar_total_segments, 2),
          u8Tlv(TLV_TAGS.sar_segment_seqnum, 1),
        ],
      }),
    );
    const payload = Buffer.from('a long text in message_payload');
    const third = messageIdOf(
      await submit(session, {
        destination_addr: '447700900125',
        short_message: Buffer.alloc(0),
        tlvs: [{ tag: TLV_TAGS.message_payload, value: payload }],
      }),
    );
    assert.equal(simulator.submits.length, 3);
    const [a, b, c] = simulator.submits;
    assert.ok(a && b && c);
    assert.equal(a.messageId, first);
    assert.equal(a.systemId, 'smsgate');
    assert.equal(a.outcome, 'delivered');
    assert.equal(a.serviceType, 'CMT');
    assert.deepEqual(
      [a.sourceAddrTon, a.sourceAddrNpi, a.sourceAddr, a.destAddrTon, a.destAddrNpi, a.destinationAddr],
      [5, 0, 'Acme', 1, 1, '447700900123'],
    );
    assert.equal(a.esmClass, ESM_CLASS.UDHI);
    assert.equal(a.priorityFlag, 2);
    assert.equal(a.scheduleDeliveryTime, '000000000100000R');
    assert.equal(a.validityPeriod, '000001000000000R');
    assert.equal(a.registeredDelivery, 1);
    assert.equal(a.dataCoding, DATA_CODING.UCS2);
    assert.deepEqual(a.shortMessage, Buffer.concat([udh, ucs2]));
    assert.equal(a.udhLength, 7);
    assert.deepEqual(a.concat, { reference: 0x1234, total: 3, seqnum: 2 });
    assert.deepEqual(a.userData, ucs2);
    assert.equal(a.text, 'Grüße ✓');
    assert.equal(a.sar, undefined);
    assert.deepEqual(a.tlvs, [u16Tlv(TLV_TAGS.user_message_reference, 77)]);

    assert.equal(b.messageId, second);
    assert.equal(b.concat, undefined);
    assert.deepEqual(b.sar, { reference: 9, total: 2, seqnum: 1 });
    assert.equal(b.text, 'part');
    assert.equal(b.registeredDelivery, 0);

    assert.equal(c.messageId, third);
    assert.deepEqual(c.shortMessage, Buffer.alloc(0));
    assert.deepEqual(c.messagePayload, payload);
    assert.deepEqual(c.userData, payload);
    assert.equal(new Set([first, second, third]).size, 3, 'ids are unique');
  });

  it('applies the default destination rules, with receipts carrying text, TLVs and swapped addresses', async () => {
    const { port, simulator } = await startSimulator();
    const client = await connectClient(port);
    const cases = [
      { to: '447700900123', stat: 'DELIVRD', state: MESSAGE_STATES.DELIVERED, err: '000' },
      { to: '447700900000', stat: 'UNDELIV', state: MESSAGE_STATES.UNDELIVERABLE, err: '001' },
      { to: '447700900002', stat: 'EXPIRED', state: MESSAGE_STATES.EXPIRED, err: '000' },
    ];
    for (const expected of cases) {
      const id = messageIdOf(
        await submit(client.session, {
          source_addr_ton: 5,
          source_addr: 'Acme',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: expected.to,
          short_message: Buffer.from('Your code is 123456, valid for 5 minutes'),
        }),
      );
      const receipt = await receiptFor(client, id);
      assert.ok(isDeliveryReceipt(receipt.esm_class));
      assert.equal(receipt.esm_class, ESM_CLASS.SMSC_DELIVERY_RECEIPT);
      assert.equal(messageState(receipt), expected.state);
      assert.deepEqual(
        [receipt.source_addr_ton, receipt.source_addr_npi, receipt.source_addr],
        [1, 1, expected.to],
      );
      assert.deepEqual([receipt.dest_addr_ton, receipt.destination_addr], [5, 'Acme']);
      const fields = parseDeliveryReceipt(receipt.short_message.toString('latin1'));
      assert.ok(fields, receipt.short_message.toString('latin1'));
      assert.equal(fields.id, id);
      assert.equal(fields.stat, expected.stat);
      assert.equal(fields.err, expected.err);
      assert.equal(fields.sub, 1);
      assert.equal(fields.dlvrd, expected.stat === 'DELIVRD' ? 1 : 0);
      assert.equal(fields.text, 'Your code is 123456,');
      assert.ok(fields.submitDate instanceof Date && fields.doneDate instanceof Date);
      assert.equal(networkErrorCode(receipt)?.errorCode, expected.err === '001' ? 1 : undefined);
    }
    const rejected = await submit(client.session, { destination_addr: '447700900001' });
    assert.equal(rejected.commandStatus, S.ESME_RINVDSTADR);
    const empty = await submit(client.session, { destination_addr: '' });
    assert.equal(empty.commandStatus, S.ESME_RINVDSTADR);
    assert.equal(simulator.submits.length, 3, 'refused submissions are not recorded');
    await waitUntil(() => simulator.counters.receiptsSent === 3, 'three acknowledged receipts');
    const counters = simulator.counters;
    assert.equal(counters.submits, 5);
    assert.equal(counters.accepted, 3);
    assert.equal(counters.rejected, 2);
    assert.equal(counters.receiptsPending, 0);
  });

  it('applies custom prefix and suffix rules, and registered_delivery 0 and 2', async () => {
    const { port, simulator } = await startSimulator({
      rules: [
        { prefix: '1555', suffix: '9', outcome: 'silent' },
        { prefix: '1555', outcome: 'deleted', err: 'X7' },
        { suffix: '13', outcome: 'undelivered', err: 42 },
      ],
    });
    const client = await connectClient(port);
    const silent = messageIdOf(await submit(client.session, { destination_addr: '15550009' }));
    const deleted = messageIdOf(await submit(client.session, { destination_addr: '15550001' }));
    const undelivered = messageIdOf(await submit(client.session, { destination_addr: '447700900013' }));
    const noReceipt = messageIdOf(
      await submit(client.session, { destination_addr: '447700900111', registered_delivery: 0 }),
    );
    const failureOnlyOk = messageIdOf(
      await submit(client.session, { destination_addr: '447700900112', registered_delivery: 2 }),
    );
    const failureOnlyFail = messageIdOf(
      await submit(client.session, { destination_addr: '447700900113', registered_delivery: 2 }),
    );

    const deletedReceipt = await receiptFor(client, deleted);
    assert.equal(messageState(deletedReceipt), MESSAGE_STATES.DELETED);
    const deletedText = parseDeliveryReceipt(deletedReceipt.short_message.toString('latin1'));
    assert.equal(deletedText?.stat, 'DELETED');
    assert.equal(deletedText?.err, 'X7');
    const undeliveredText = parseDeliveryReceipt(
      (await receiptFor(client, undelivered)).short_message.toString('latin1'),
    );
    assert.equal(undeliveredText?.err, '042');
    await receiptFor(client, failureOnlyFail);
    // Receipts are counted pending from the submit's answer until acknowledged: none pending means
    // every receipt these submits will ever cause has been delivered (no sleep for strays).
    await waitUntil(() => simulator.counters.receiptsPending === 0, 'no receipt pending');
    const receiptIds = client.delivered.map((pdu) => receiptedMessageId(pdu));
    for (const id of [silent, noReceipt, failureOnlyOk]) assert.ok(!receiptIds.includes(id), id);
    assert.equal(client.delivered.length, 3);
    assert.deepEqual(
      simulator.submits.map((record) => record.outcome),
      ['silent', 'deleted', 'undelivered', 'delivered', 'delivered', 'undelivered'],
    );
  });

  it('answers every Nth submit_sm with ESME_RTHROTTLED (throttleEvery)', async () => {
    const { port, simulator } = await startSimulator({ throttleEvery: 3 });
    const { session } = await connectClient(port);
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push((await submit(session, { destination_addr: `4477009001${i}` })).commandStatus);
    }
    const T = S.ESME_RTHROTTLED;
    assert.deepEqual(statuses, [0, 0, T, 0, 0, T, 0, 0, T]);
    assert.equal(simulator.counters.throttled, 3);
    assert.equal(simulator.submits.length, 6);
    assert.ok(session.isOpen);
  });

  it('closes the connection without answering every Nth submit_sm (dropEvery)', async () => {
    const { port, simulator } = await startSimulator({ dropEvery: 3 });
    const first = await connectClient(port);
    messageIdOf(await submit(first.session, { destination_addr: '447700900201' }));
    messageIdOf(await submit(first.session, { destination_addr: '447700900202' }));
    const closed = new Promise<Error | undefined>((resolve) => first.session.onClose(resolve));
    await assert.rejects(submit(first.session, { destination_addr: '447700900203' }), SessionClosedError);
    await closed;
    assert.equal(simulator.counters.dropped, 1);
    assert.deepEqual(
      simulator.submits.map((record) => record.destinationAddr),
      ['447700900201', '447700900202'],
    );
    const second = await connectClient(port);
    messageIdOf(await submit(second.session, { destination_addr: '447700900204' }));
    messageIdOf(await submit(second.session, { destination_addr: '447700900205' }));
    await assert.rejects(submit(second.session, { destination_addr: '447700900206' }), SessionClosedError);
    assert.equal(simulator.counters.dropped, 2);
  });

  it('accepts binds but never answers submit_sm (neverRespond), while enquire_link still works', async () => {
    const { port, simulator } = await startSimulator({ neverRespond: true });
    const { session } = await connectClient(port, { responseTimeoutMs: 200 });
    await assert.rejects(submit(session, { destination_addr: '447700900123' }), SmppTimeoutError);
    const pong = await session.request('enquire_link');
    assert.equal(pong.commandStatus, S.ESME_ROK);
    assert.equal(simulator.counters.unanswered, 1);
    assert.equal(simulator.submits.length, 0);
  });

  it('answers slowly with responseDelayMs: a short timeout expires, a longer one gets the answer', async () => {
    const { port } = await startSimulator({ responseDelayMs: 300 });
    // A transmitter, so every receipt goes to the one receiver below.
    const impatient = await connectClient(port, { responseTimeoutMs: 50, mode: 'transmitter' });
    await assert.rejects(submit(impatient.session, { destination_addr: '447700900123' }), SmppTimeoutError);
    const patient = await connectClient(port, { responseTimeoutMs: 5000 });
    const id = messageIdOf(await submit(patient.session, { destination_addr: '447700900124' }));
    await receiptFor(patient, id);
  });
});

describe('SmscSimulator receipts', () => {
  it('stores receipts while no receiver is bound and delivers them to the next receiver of that system_id', async () => {
    const { port, simulator } = await startSimulator({
      accounts: [
        { systemId: 'alpha', password: 'pa' },
        { systemId: 'beta', password: 'pb' },
      ],
    });
    const transmitter = await connectClient(port, { systemId: 'alpha', password: 'pa', mode: 'transmitter' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(messageIdOf(await submit(transmitter.session, { destination_addr: `44770090030${i}` })));
    }
    const otherAccount = await connectClient(port, { systemId: 'beta', password: 'pb', mode: 'receiver' });
    // The receipts fell due and, with no receiver of alpha bound, were stored (not sent to beta's).
    await waitUntil(() => simulator.storedReceipts === 3, 'three receipts stored for alpha');
    assert.equal(simulator.counters.receiptsPending, 3);
    assert.equal(simulator.counters.receiptsSent, 0);
    assert.deepEqual(transmitter.delivered, []);
    assert.deepEqual(otherAccount.delivered, []);

    const receiver = await connectClient(port, { systemId: 'alpha', password: 'pa', mode: 'receiver' });
    for (const id of ids) await receiptFor(receiver, id);
    await waitUntil(() => simulator.counters.receiptsSent === 3, 'three acknowledged receipts');
    assert.equal(simulator.counters.receiptsPending, 0);
    assert.deepEqual(otherAccount.delivered, []);
    assert.deepEqual(transmitter.delivered, []);
  });

  it('redelivers a receipt answered with a temporary error, and drops one refused for good', async () => {
    const { port, simulator } = await startSimulator({ redeliveryDelayMs: 20 });
    let refusals = 0;
    const client = await connectClient(port, {
      answer: (pdu) => {
        const id = receiptedMessageId(pdu);
        if (pdu.destination_addr === 'Temp' && refusals++ === 0) return S.ESME_RX_T_APPN;
        if (pdu.destination_addr === 'Perm' && id !== undefined) return S.ESME_RX_P_APPN;
        return S.ESME_ROK;
      },
    });
    const temp = messageIdOf(
      await submit(client.session, { source_addr: 'Temp', destination_addr: '447700900401' }),
    );
    const perm = messageIdOf(
      await submit(client.session, { source_addr: 'Perm', destination_addr: '447700900402' }),
    );
    await waitUntil(
      () => client.delivered.filter((pdu) => receiptedMessageId(pdu) === temp).length === 2,
      'the redelivered receipt',
    );
    await waitUntil(
      () => simulator.counters.receiptsSent === 1 && simulator.counters.receiptsRefused === 1,
      'the counters',
    );
    assert.equal(client.delivered.filter((pdu) => receiptedMessageId(pdu) === perm).length, 1);
    assert.equal(simulator.counters.receiptsPending, 0);
  });

  it('writes ids in the formats asked for: decimal in submit_sm_resp, hex in the receipt', async () => {
    const { port } = await startSimulator({ messageIdFormat: 'decimal', receiptIdFormat: 'hex' });
    const client = await connectClient(port);
    const id = messageIdOf(await submit(client.session, { destination_addr: '447700900123' }));
    assert.match(id, /^[1-9]\d*$/);
    const hex = BigInt(id).toString(16);
    const receipt = await receiptFor(client, hex);
    assert.equal(parseDeliveryReceipt(receipt.short_message.toString('latin1'))?.id, hex);
    assert.notEqual(hex, id);
  });

  it('writes hex ids by default, the same in submit_sm_resp and receipt', async () => {
    const { port } = await startSimulator();
    const client = await connectClient(port);
    const id = messageIdOf(await submit(client.session, { destination_addr: '447700900123' }));
    assert.match(id, /^[0-9a-f]+$/);
    const receipt = await receiptFor(client, id);
    assert.equal(parseDeliveryReceipt(receipt.short_message.toString('latin1'))?.id, id);
  });
});

describe('SmscSimulator MO messages', () => {
  it('sends a short MO as one deliver_sm with esm_class 0', async () => {
    const { port, simulator } = await startSimulator();
    const client = await connectClient(port, { mode: 'receiver' });
    const result = await simulator.sendMo({ from: '+447700900123', to: '12345', text: 'STOP' });
    assert.deepEqual(result, { reference: undefined, statuses: [S.ESME_ROK] });
    const [mo] = client.delivered;
    assert.ok(mo);
    assert.equal(mo.esm_class, 0);
    assert.equal(mo.data_coding, DATA_CODING.DEFAULT);
    assert.deepEqual([mo.source_addr_ton, mo.source_addr_npi, mo.source_addr], [1, 1, '447700900123']);
    assert.equal(mo.destination_addr, '12345');
    assert.equal(decodeText(mo.short_message, 'gsm7'), 'STOP');
    assert.equal(simulator.counters.moSent, 1);
  });

  it('splits an MO into concatenated parts with a UDH (GSM and UCS-2)', async () => {
    const { port, simulator } = await startSimulator();
    const client = await connectClient(port);
    const gsmText = `${'Hello €uro '.repeat(20)}end`;
    const gsm = await simulator.sendMo({ from: '447700900123', to: '12345', text: gsmText, parts: 3 });
    assert.deepEqual(gsm.statuses, [0, 0, 0]);
    const ucsText = 'Привет 👋 '.repeat(12);
    const ucs = await simulator.sendMo({
      from: '447700900124',
      to: 'Acme',
      text: ucsText,
      encoding: 'ucs2',
      parts: 2,
      refBits: 16,
      reference: 0xbeef,
    });
    assert.equal(ucs.reference, 0xbeef);

    const check = (parts: DeliverSm[], encoding: 'gsm7' | 'ucs2', reference: number | undefined) => {
      let text = '';
      parts.forEach((pdu, index) => {
        assert.equal(pdu.esm_class, ESM_CLASS.UDHI);
        assert.equal(pdu.data_coding, encoding === 'gsm7' ? DATA_CODING.DEFAULT : DATA_CODING.UCS2);
        const udh = parseUdh(pdu.short_message);
        assert.ok(udh?.concat);
        assert.deepEqual(udh.concat, { reference, total: parts.length, seqnum: index + 1 });
        text += decodeText(pdu.short_message.subarray(udh.headerLength), encoding);
      });
      return text;
    };
    assert.equal(client.delivered.length, 5);
    assert.equal(check(client.delivered.slice(0, 3), 'gsm7', gsm.reference), gsmText);
    assert.equal(check(client.delivered.slice(3), 'ucs2', 0xbeef), ucsText);
    const last = client.delivered[4]!;
    assert.deepEqual([last.destination_addr, last.dest_addr_ton], ['Acme', 5]);
    assert.equal(simulator.counters.moSent, 5);
  });

  it('refuses an MO it cannot deliver or cannot fit', async () => {
    const { port, simulator } = await startSimulator();
    await connectClient(port, { mode: 'transmitter' });
    await assert.rejects(simulator.sendMo({ from: '1', to: '2', text: 'hi' }), /no receiving session/);
    await connectClient(port, { mode: 'receiver' });
    await assert.rejects(
      simulator.sendMo({ from: '1', to: '2', text: 'x'.repeat(161), parts: 1 }),
      RangeError,
    );
    await assert.rejects(simulator.sendMo({ from: '1', to: '2', text: 'ab', parts: 3 }), RangeError);
    await assert.rejects(
      simulator.sendMo({ from: '1', to: '2', text: 'hi', systemId: 'other' }),
      /for other/,
    );
  });
});

describe('SmscSimulator stop', () => {
  it('unbinds its sessions and stops listening', async () => {
    const simulator = new SmscSimulator();
    const port = await simulator.start();
    try {
      const { session } = await connectClient(port);
      const closed = new Promise<Error | undefined>((resolve) => session.onClose(resolve));
      await simulator.stop();
      assert.equal(await closed, undefined, 'a clean unbind');
      await assert.rejects(connectClient(port), /ECONNREFUSED/);
    } finally {
      await simulator.stop();
    }
  });
});
