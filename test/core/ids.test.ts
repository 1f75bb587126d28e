import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTime } from 'ulidx';
import { newId, newMessageId, pooledRandom } from '../../src/core/ids.js';

describe('ids', () => {
  it('draws random numbers in [0, 1) from the pool, every byte value, across refills', () => {
    const seen = new Set<number>();
    let sum = 0;
    const draws = 40_000; // about ten refills of the 4 KiB pool
    for (let i = 0; i < draws; i++) {
      const value = pooledRandom();
      assert.ok(value >= 0 && value < 1, `draw ${i} out of range: ${value}`);
      seen.add(value);
      sum += value;
    }
    assert.equal(seen.size, 256, 'some byte values never came up');
    // Mean of a uniform byte / 256 is 255/512 ≈ 0.498; 40,000 draws put it within ±0.01 (≈ 7 σ).
    assert.ok(Math.abs(sum / draws - 255 / 512) < 0.01, `mean ${sum / draws}`);
  });

  it('gives unique, time-ordered ULIDs with their prefix', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5_000 }, () => newMessageId());
    const after = Date.now();
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} !< ${ids[i]}`);
    for (const id of [ids[0]!, ids[ids.length - 1]!]) {
      assert.match(id, /^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
      const at = decodeTime(id.slice(4));
      assert.ok(at >= before && at <= after, `time ${at} outside ${before}..${after}`);
    }
    assert.match(newId('acc'), /^acc_[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
