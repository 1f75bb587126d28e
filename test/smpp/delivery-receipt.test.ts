import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDeliveryReceipt,
  isReceiptStat,
  MESSAGE_STATES,
  parseDeliveryReceipt,
  RECEIPT_STATS,
} from '../../src/smpp/delivery-receipt.js';
import {
  messageStateOfStat,
  STAT_OF_MESSAGE_STATE,
  statOfMessageState,
} from '../../src/smpp/message-state.js';

const utc = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  new Date(Date.UTC(y, mo - 1, d, h, mi, s));

describe('parseDeliveryReceipt', () => {
  it('reads the Appendix B layout', () => {
    const receipt = parseDeliveryReceipt(
      'id:0123456789 sub:001 dlvrd:001 submit date:2311221530 done date:2311221531 stat:DELIVRD err:000 text:Hello',
    );
    assert.deepEqual(receipt, {
      id: '0123456789',
      sub: 1,
      dlvrd: 1,
      submitDate: utc(2023, 11, 22, 15, 30),
      doneDate: utc(2023, 11, 22, 15, 31),
      stat: 'DELIVRD',
      err: '000',
      text: 'Hello',
    });
  });

  it('ignores the case of keys and stat words', () => {
    const receipt = parseDeliveryReceipt(
      'ID:ABC123 SUB:001 DLVRD:000 SUBMIT DATE:2311221530 DONE DATE:2311221545 STAT:undeliv ERR:001 TEXT:Hi',
    );
    assert.equal(receipt?.id, 'ABC123');
    assert.equal(receipt?.dlvrd, 0);
    assert.deepEqual(receipt?.doneDate, utc(2023, 11, 22, 15, 45));
    assert.equal(receipt?.stat, 'UNDELIV');
    assert.equal(receipt?.err, '001');
    assert.equal(receipt?.text, 'Hi');
  });

  it('tolerates missing fields and a missing text', () => {
    const receipt = parseDeliveryReceipt('id:42 submit date:2311221530 done date:2311221531 stat:EXPIRED');
    assert.deepEqual(receipt, {
      id: '42',
      sub: undefined,
      dlvrd: undefined,
      submitDate: utc(2023, 11, 22, 15, 30),
      doneDate: utc(2023, 11, 22, 15, 31),
      stat: 'EXPIRED',
      err: undefined,
      text: undefined,
    });
  });

  it('reads 12-digit dates with seconds and hex ids', () => {
    const receipt = parseDeliveryReceipt(
      'id:1A2B3C4D5E sub:001 dlvrd:001 submit date:231122153012 done date:231122153145 stat:DELIVRD err:0 text:',
    );
    assert.equal(receipt?.id, '1A2B3C4D5E');
    assert.deepEqual(receipt?.submitDate, utc(2023, 11, 22, 15, 30, 12));
    assert.deepEqual(receipt?.doneDate, utc(2023, 11, 22, 15, 31, 45));
    assert.equal(receipt?.err, '0');
    assert.equal(receipt?.text, '');
  });

  it('tolerates extra spaces, underscores, a capitalised Text: and colons in the text', () => {
    const receipt = parseDeliveryReceipt(
      '  id: 5f2a9c1e-7d1b-4f7e-9a51-2b8c3d4e5f60  sub:001   dlvrd:001 submit_date:2311221530 done  date : 2311221531' +
        ' stat: DELIVRD  err:0000012 Text:Your code: 1234 stat:FAKE',
    );
    assert.equal(receipt?.id, '5f2a9c1e-7d1b-4f7e-9a51-2b8c3d4e5f60');
    assert.deepEqual(receipt?.submitDate, utc(2023, 11, 22, 15, 30));
    assert.deepEqual(receipt?.doneDate, utc(2023, 11, 22, 15, 31));
    assert.equal(receipt?.stat, 'DELIVRD');
    assert.equal(receipt?.err, '0000012');
    assert.equal(receipt?.text, 'Your code: 1234 stat:FAKE');
  });

  it('skips vendor keys and keeps vendor stat words', () => {
    const receipt = parseDeliveryReceipt('id:77 mccmnc:23410 stat:ACKED err:000 price:0.05');
    assert.equal(receipt?.id, '77');
    assert.equal(receipt?.stat, 'ACKED');
    assert.equal(receipt?.err, '000');
  });

  it('leaves unreadable values undefined', () => {
    const receipt = parseDeliveryReceipt(
      'id:9 sub:one submit date:2313221530 done date:23-11-22 stat:DELIVRD',
    );
    assert.equal(receipt?.sub, undefined);
    assert.equal(receipt?.submitDate, undefined);
    assert.equal(receipt?.doneDate, undefined);
    assert.equal(receipt?.stat, 'DELIVRD');
  });

  it('returns undefined for text that is not a receipt', () => {
    assert.equal(parseDeliveryReceipt('Hello, see you at 10:30'), undefined);
    assert.equal(parseDeliveryReceipt(''), undefined);
    assert.equal(parseDeliveryReceipt('stat:DELIVRD')?.stat, 'DELIVRD');
  });
});

describe('formatDeliveryReceipt', () => {
  it('writes the Appendix B layout and parses back', () => {
    const input = {
      id: '0123456789',
      stat: 'UNDELIV' as const,
      submitDate: utc(2023, 11, 22, 15, 30),
      doneDate: utc(2023, 11, 22, 15, 31),
      err: 1,
      text: 'A message longer than twenty characters',
    };
    const text = formatDeliveryReceipt(input);
    assert.equal(
      text,
      'id:0123456789 sub:001 dlvrd:000 submit date:2311221530 done date:2311221531 stat:UNDELIV err:001 text:A message longer tha',
    );
    assert.deepEqual(parseDeliveryReceipt(text), {
      id: '0123456789',
      sub: 1,
      dlvrd: 0,
      submitDate: input.submitDate,
      doneDate: input.doneDate,
      stat: 'UNDELIV',
      err: '001',
      text: 'A message longer tha',
    });
  });

  it('writes seconds on request', () => {
    const text = formatDeliveryReceipt({
      id: 'x',
      stat: 'DELIVRD',
      submitDate: utc(2023, 11, 22, 15, 30, 12),
      doneDate: utc(2023, 11, 22, 15, 31, 45),
      withSeconds: true,
    });
    assert.match(text, /submit date:231122153012 done date:231122153145 stat:DELIVRD err:000 text:$/);
    assert.match(text, /dlvrd:001/);
  });
});

describe('message states', () => {
  it('maps every message_state to a stat and back', () => {
    assert.equal(Object.keys(STAT_OF_MESSAGE_STATE).length, RECEIPT_STATS.length);
    for (const state of Object.values(MESSAGE_STATES)) {
      const stat = statOfMessageState(state)!;
      assert.ok(isReceiptStat(stat));
      assert.equal(messageStateOfStat(stat), state);
    }
    assert.equal(statOfMessageState(2), 'DELIVRD');
    assert.equal(statOfMessageState(0), undefined);
    assert.equal(statOfMessageState(9), undefined);
  });

  it('accepts spelled-out stat words, case-insensitively', () => {
    assert.equal(messageStateOfStat('delivered'), MESSAGE_STATES.DELIVERED);
    assert.equal(messageStateOfStat('UNDELIVERABLE'), MESSAGE_STATES.UNDELIVERABLE);
    assert.equal(messageStateOfStat('rejectd'), MESSAGE_STATES.REJECTED);
    assert.equal(messageStateOfStat('ACKED'), undefined);
    assert.equal(isReceiptStat('delivrd'), false);
  });
});
