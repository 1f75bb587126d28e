// Twilio's `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` under the dialect conformance
// suite. Not a test file.
import assert from 'node:assert/strict';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { assertTwilioError, createMessage, provisionTwilio } from './twilio-support.js';

export const twilioAdapter: DialectAdapter = {
  name: 'twilio',
  async setup(gateway) {
    const caller = await provisionTwilio(gateway);
    const other = await provisionTwilio(gateway);
    const fields = (to: string) => ({ To: to, From: '+447911000001', Body: 'conformance' });
    return {
      send: (to) => createMessage(caller, fields(to)),
      accepted(response) {
        assert.equal(response.statusCode, 201, response.body);
        const message = response.json() as { sid: string; status: string; account_sid: string };
        assert.equal(message.account_sid, caller.accountSid);
        assert.equal(message.status, 'queued');
        const id = fromMessageSid(message.sid);
        assert.ok(id, message.sid);
        return [id];
      },
      badRecipient: () => createMessage(caller, fields('not a number')),
      refusedBadRecipient(response) {
        assertTwilioError(response, 400, 21211, /^To "not a number" is not a valid phone number/);
      },
      unauthenticated: () => [
        {
          ...createMessage(caller, fields('+447911123456')),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        createMessage({ accountSid: caller.accountSid, authToken: '0'.repeat(32) }, fields('+447911123456')),
      ],
      refusedUnauthenticated(response) {
        assertTwilioError(response, 401, 20003, /^Authenticate$/);
        assert.match(String(response.headers['www-authenticate']), /^Basic /);
      },
      // Another account's Messages, with valid credentials of one's own.
      forbidden: () => createMessage(caller, fields('+447911123456'), { pathSid: other.accountSid }),
      refusedForbidden(response) {
        assertTwilioError(response, 403, 20403, new RegExp(`do not open account ${other.accountSid}`));
      },
      tooLarge: () => createMessage(caller, { ...fields('+447911123456'), Body: 'x'.repeat(3000) }),
      malformed: () => createMessage(caller, 'To=%2B447911123456&From=%2B447911000001&Body=%C3%28'),
      refused(response, status) {
        assertTwilioError(
          response,
          status,
          status === 413 ? 413 : 400,
          status === 413 ? /larger than this gateway accepts/ : /not valid UTF-8/,
        );
      },
    };
  },
};
