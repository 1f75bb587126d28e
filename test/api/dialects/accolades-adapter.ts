// Seed 003's `POST /<accountNumber>/sms/send` under the dialect conformance suite. Not a test file.
import assert from 'node:assert/strict';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import { assertError, assertOk, provisionAccolades, sendForm } from './accolades-support.js';
import type { DialectAdapter } from './dialect-adapter.js';

export const accoladesAdapter: DialectAdapter = {
  name: 'accolades',
  async setup(gateway) {
    const caller = await provisionAccolades(gateway);
    // The 403 of this API: the account's own limits forbid the send (its monthly quota is used up).
    const capped = await provisionAccolades(gateway);
    const quota = await gateway.http.inject({
      method: 'PATCH',
      url: `/v1/accounts/${capped.accountId}`,
      headers: ADMIN_AUTH,
      payload: { limits: { monthlySegmentQuota: 0 } },
    });
    assert.equal(quota.statusCode, 200, quota.body);
    const fields = (phoneNumber: string, password = caller.password) => ({
      password,
      phoneNumber,
      message: 'conformance',
    });
    return {
      send: (to) => sendForm(caller.accountNumber, fields(to)),
      accepted: (response) => [assertOk(response)],
      badRecipient: () => sendForm(caller.accountNumber, fields('not a number')),
      refusedBadRecipient(response) {
        assertError(response, 400, /^phoneNumber "not a number" is not a valid phone number/);
      },
      unauthenticated: () => [
        sendForm(caller.accountNumber, { phoneNumber: '+447911123456', message: 'x' }),
        sendForm(caller.accountNumber, fields('+447911123456', 'wrong password')),
        sendForm('999999999999', fields('+447911123456')),
      ],
      refusedUnauthenticated(response) {
        assertError(response, 401, /^(Wrong account number or password|The password parameter is missing)/);
      },
      forbidden: () => sendForm(capped.accountNumber, fields('+447911123456', capped.password)),
      refusedForbidden(response) {
        assertError(response, 403, /monthly quota of 0 segments would be exceeded/);
      },
      tooLarge: () =>
        sendForm(caller.accountNumber, { ...fields('+447911123456'), message: 'x'.repeat(3000) }),
      // Percent-escapes that do not spell UTF-8: the text would be corrupted, so the form is refused.
      malformed: () =>
        sendForm(
          caller.accountNumber,
          `password=${encodeURIComponent(caller.password)}&phoneNumber=%2B447911123456&message=%C3%28`,
        ),
      refused(response, status) {
        assertError(
          response,
          status,
          status === 413 ? /larger than this gateway accepts/ : /not valid UTF-8/,
        );
      },
    };
  },
};
