// The Interact campaign API's REST form (seed 004) under the dialect conformance suite. Not a test file.
import assert from 'node:assert/strict';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { DialectAdapter } from './dialect-adapter.js';
import {
  assertPlaced,
  assertText,
  assertUnauthorized,
  createCampaign,
  generateToken,
  provisionTenant,
  restSms,
} from './interact-support.js';

export const interactRestAdapter: DialectAdapter = {
  name: 'interact (REST)',
  async setup(gateway) {
    const tenant = await provisionTenant(gateway);
    await createCampaign(gateway, tenant.auth, { id: 'conformance', text: 'conformance {{n}}' });
    // A token that has expired by the time the cases run: what this API forbids (403).
    const expired = await generateToken(gateway, tenant, { campaignId: 'conformance', expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const sms = (body: unknown, headers = tenant.headers) =>
      restSms(tenant, 'conformance', body, { headers });
    return {
      send: (to) => sms({ callerId: to, additionalParams: 'n=1' }),
      accepted(response) {
        const id = fromMessageSid(assertPlaced(response, 'conformance'));
        assert.ok(id);
        return [id];
      },
      badRecipient: () => sms({ callerId: 'not a number' }),
      refusedBadRecipient: (response) => assertText(response, 400, 'missing or invalid parameter callerId'),
      unauthenticated: () => [
        sms({ callerId: '+447911123456' }, {}),
        sms({ callerId: '+447911123456' }, { ...tenant.headers, 'application-key': 'wrong-key-0000' }),
      ],
      refusedUnauthenticated: (response) => assertUnauthorized(response),
      forbidden: () => sms({ callerId: '+447911123456', jpToken: expired.jpToken }),
      refusedForbidden: (response) => assertText(response, 403, 'Token expired'),
      tooLarge: () => sms({ callerId: '+447911123456', additionalParams: `n=${'x'.repeat(3000)}` }),
      malformed: () => sms('{"callerId": "+447911123456", '),
      refused(response, status) {
        if (status === 400) assertText(response, 400, 'missing or invalid parameter body');
        else {
          assert.equal(response.statusCode, 413, response.body);
          assert.match(String(response.headers['content-type']), /^text\/plain/);
          assert.match(response.body, /too large/);
        }
      },
    };
  },
};
