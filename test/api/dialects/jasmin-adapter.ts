// Jasmin's HTTP API `/send` under the dialect conformance suite. Jasmin answers a failed
// authentication with 403 (`Authentication failure for username:…`), not 401. Not a test file.
import assert from 'node:assert/strict';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { assertJasminError, assertSuccess, jasminGet, provisionJasmin } from './jasmin-support.js';

export const jasminAdapter: DialectAdapter = {
  name: 'jasmin',
  async setup(gateway) {
    const caller = await provisionJasmin(gateway);
    const capped = await provisionJasmin(gateway);
    const quota = await gateway.http.inject({
      method: 'PATCH',
      url: `/v1/accounts/${capped.accountId}`,
      headers: ADMIN_AUTH,
      payload: { limits: { monthlySegmentQuota: 0 } },
    });
    assert.equal(quota.statusCode, 200, quota.body);
    const params = (to: string, user = caller) => ({
      username: user.username,
      password: user.password,
      to,
      content: 'conformance',
    });
    const post = (payload: string) => ({
      method: 'POST' as const,
      url: '/send',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
    return {
      send: (to) => jasminGet('/send', params(to)),
      accepted: (response) => [assertSuccess(response)],
      badRecipient: () => jasminGet('/send', params('not a number')),
      refusedBadRecipient(response) {
        assertJasminError(response, 400, 'Argument to has an invalid value: not a number.');
      },
      unauthenticated: () => [
        jasminGet('/send', { to: '+447911123456', content: 'x' }),
        jasminGet('/send', { ...params('+447911123456'), password: 'wrong' }),
      ],
      refusedUnauthenticated(response) {
        assertJasminError(response, 403, /^Error "Authentication failure for username:/);
      },
      forbidden: () => jasminGet('/send', params('+447911123456', capped)),
      refusedForbidden(response) {
        assertJasminError(response, 403, /monthly quota of 0 segments would be exceeded/);
      },
      tooLarge: () =>
        post(new URLSearchParams({ ...params('+447911123456'), content: 'x'.repeat(3000) }).toString()),
      malformed: () =>
        post(`username=${caller.username}&password=${caller.password}&to=%2B447911123456&content=%C3%28`),
      refused(response, status) {
        assertJasminError(
          response,
          status,
          status === 413 ? /larger than this gateway accepts|too large/i : /UTF-8/,
        );
      },
    };
  },
};
