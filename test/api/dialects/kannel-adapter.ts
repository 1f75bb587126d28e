// Kannel's `GET|POST /cgi-bin/sendsms` under the dialect conformance suite. Kannel has no 401:
// every authentication failure is its `403 Authorization failed for sendsms`. Not a test file.
import assert from 'node:assert/strict';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { assertAccepted, assertKannel, provisionKannel, sendsms } from './kannel-support.js';

export const kannelAdapter: DialectAdapter = {
  name: 'kannel',
  async setup(gateway) {
    const caller = await provisionKannel(gateway);
    // The 403 of the gateway's own limits (Kannel has none of its own): a used-up monthly quota.
    const capped = await provisionKannel(gateway);
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
      text: 'conformance',
    });
    const post = (body: Buffer | string) => ({
      method: 'POST' as const,
      url: '/cgi-bin/sendsms',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'x-kannel-username': caller.username,
        'x-kannel-password': caller.password,
        'x-kannel-to': '447911123456',
      },
      payload: body,
    });
    return {
      send: (to) => sendsms(params(to)),
      accepted: (response) => assertAccepted(response),
      badRecipient: () => sendsms(params('not-a-number')),
      refusedBadRecipient(response) {
        assertKannel(response, 400, 'Number(s) has/have been denied by white- and/or black-lists.');
      },
      unauthenticated: () => [
        sendsms({ to: '447911123456', text: 'x' }),
        sendsms({ ...params('447911123456'), password: 'wrong password' }),
      ],
      refusedUnauthenticated(response) {
        assertKannel(response, 403, 'Authorization failed for sendsms');
      },
      forbidden: () => sendsms(params('447911123456', capped)),
      refusedForbidden(response) {
        assertKannel(response, 403, /monthly quota of 0 segments would be exceeded/);
      },
      tooLarge: () => post('x'.repeat(3000)),
      malformed: () => post(Buffer.from([0x63, 0x61, 0x66, 0xc3, 0x28])),
      refused(response, status) {
        assertKannel(
          response,
          status,
          status === 413
            ? /larger than this gateway accepts|too large/i
            : 'Charset or body misformed, rejected',
        );
      },
    };
  },
};
