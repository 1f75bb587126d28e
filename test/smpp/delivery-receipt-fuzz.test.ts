/**
 * Receipt text is whatever an SMSC sends (short_message or message_payload of a deliver_sm):
 * the parser must never throw, must only return well-typed fields, and must read back every
 * receipt our own formatter writes. Seeded (RECEIPT_FUZZ_SEED); fast-check prints the seed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatDeliveryReceipt,
  parseDeliveryReceipt,
  RECEIPT_STATS,
} from '../../src/smpp/delivery-receipt.js';
import { mutatedText, tokenSoup } from '../api/formats/fuzz-support.js';

const FUZZ = {
  seed: Number(process.env.RECEIPT_FUZZ_SEED ?? 20261204),
  numRuns: Number(process.env.RECEIPT_FUZZ_RUNS ?? 2000),
};
const TOKENS = [
  'id:',
  'sub:',
  'dlvrd:',
  'submit date:',
  'done_date:',
  'stat:',
  'err:',
  'text:',
  ' ',
  '\t',
  '\n',
  '\u0000',
  ':',
  '0',
  '9',
  'DELIVRD',
  '2612011230',
  'é',
];
const SAMPLE =
  'id:0123456789 sub:001 dlvrd:001 submit date:2612011230 done date:2612011231 stat:DELIVRD err:000 text:Hello';

/** The fields are undefined or of their documented type; dates are real dates. */
function assertWellTyped(fields: ReturnType<typeof parseDeliveryReceipt>): void {
  if (fields === undefined) return;
  for (const key of ['id', 'stat', 'err', 'text'] as const) {
    assert.ok(fields[key] === undefined || typeof fields[key] === 'string', key);
  }
  for (const key of ['sub', 'dlvrd'] as const) {
    assert.ok(
      fields[key] === undefined || Number.isSafeInteger(fields[key]) || Number.isFinite(fields[key]),
      key,
    );
  }
  for (const key of ['submitDate', 'doneDate'] as const) {
    const date = fields[key];
    assert.ok(date === undefined || (date instanceof Date && !Number.isNaN(date.getTime())), key);
  }
}

describe('delivery receipt text under fuzz', () => {
  it('never throws on arbitrary text, token soup or mutated receipts, and returns well-typed fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          tokenSoup(TOKENS, 80),
          mutatedText([SAMPLE], TOKENS),
        ),
        (text) => {
          assertWellTyped(parseDeliveryReceipt(text));
        },
      ),
      FUZZ,
    );
  });

  it('reads back every receipt the formatter writes', () => {
    const minute = fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2099, 11, 31) / 60_000 });
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Fa-f-]{1,40}$/),
        fc.constantFrom(...RECEIPT_STATS),
        minute,
        minute,
        fc.integer({ min: 0, max: 999 }),
        fc.string({ maxLength: 30 }),
        (id, stat, submitted, done, err, text) => {
          const written = formatDeliveryReceipt({
            id,
            stat,
            submitDate: new Date(submitted * 60_000),
            doneDate: new Date(done * 60_000),
            err,
            text,
          });
          const read = parseDeliveryReceipt(written);
          assert.ok(read, written);
          assert.equal(read.id, id);
          assert.equal(read.stat, stat);
          assert.equal(read.err, String(err).padStart(3, '0'));
          assert.equal(read.submitDate?.getTime(), submitted * 60_000);
          assert.equal(read.doneDate?.getTime(), done * 60_000);
          assert.equal(read.text, text.slice(0, 20).trimStart());
        },
      ),
      FUZZ,
    );
  });
});
