/**
 * Tenant ids as GUIDs. The ServiceStack seeds name a tenant ("licensee") by a GUID, `LicenseeId`;
 * smsgate's tenant ids are `ten_` + a ULID, and a ULID is 128 bits, exactly a GUID's size. So
 * each tenant has one licensee id, computed rather than stored (no migration, nothing to keep in
 * step), and each GUID names at most one tenant.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TENANT_ID = /^ten_([0-7][0-9A-HJKMNP-TV-Z]{25})$/;
const GUID_N = /^[0-9a-f]{32}$/;

/** A tenant's licensee id: its ULID's 128 bits as 32 lowercase hex digits; undefined for other ids. */
export function licenseeIdOfTenant(tenantId: string): string | undefined {
  const match = TENANT_ID.exec(tenantId);
  if (!match) return undefined;
  let value = 0n;
  for (const c of match[1]!) value = (value << 5n) | BigInt(CROCKFORD.indexOf(c));
  return value.toString(16).padStart(32, '0');
}

/** The tenant id a licensee id (32 lowercase hex digits, as `parseGuid` gives) names. */
export function tenantIdOfLicensee(licenseeId: string): string {
  if (!GUID_N.test(licenseeId)) throw new RangeError(`not a GUID in N form: ${licenseeId}`);
  let value = BigInt(`0x${licenseeId}`);
  let ulid = '';
  for (let i = 0; i < 26; i++) {
    ulid = CROCKFORD[Number(value & 31n)]! + ulid;
    value >>= 5n;
  }
  return `ten_${ulid}`;
}
