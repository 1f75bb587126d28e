import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { licenseeIdOfTenant, tenantIdOfLicensee } from '../../src/accounts/licensee-ids.js';
import { newId } from '../../src/core/ids.js';

describe('licensee ids (tenant ids as GUIDs)', () => {
  it('maps a tenant id to 32 hex digits and back, for new ids and for every 128-bit value', () => {
    for (let i = 0; i < 100; i++) {
      const tenant = newId('ten');
      const licensee = licenseeIdOfTenant(tenant)!;
      assert.match(licensee, /^[0-9a-f]{32}$/);
      assert.equal(tenantIdOfLicensee(licensee), tenant);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const guid = Buffer.from(bytes).toString('hex');
        assert.equal(licenseeIdOfTenant(tenantIdOfLicensee(guid)), guid);
      }),
    );
  });

  it('keeps the ULID’s bits: the timestamp is the GUID’s first 12 digits, so ids sort alike', () => {
    assert.equal(licenseeIdOfTenant('ten_00000000000000000000000000'), '0'.repeat(32));
    assert.equal(licenseeIdOfTenant('ten_7ZZZZZZZZZZZZZZZZZZZZZZZZZ'), 'f'.repeat(32));
    assert.equal(licenseeIdOfTenant('ten_0000000001000000000000000G'), '00000000000100000000000000000010');
    const [a, b] = [newId('ten'), newId('ten')].sort();
    assert.ok(licenseeIdOfTenant(a!)! < licenseeIdOfTenant(b!)!);
  });

  it('has none for ids that are not a tenant ULID', () => {
    for (const id of [
      'acc_01HZZZZZZZZZZZZZZZZZZZZZZZ',
      'ten_8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
      'ten_01hzzzzzzzzzzzzzzzzzzzzz',
      'ten_short',
      'tenant',
    ]) {
      assert.equal(licenseeIdOfTenant(id), undefined, id);
    }
    assert.throws(() => tenantIdOfLicensee('not-a-guid'), RangeError);
  });
});
