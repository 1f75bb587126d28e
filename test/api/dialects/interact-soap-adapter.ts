// The Interact campaign API's SOAP form (seed 004) under the dialect conformance suite. Its error
// rows are 200 `GetInteractionUniqueIdResponse` answers, as in the seed's table; credentials,
// size and envelope problems are faults. Not a test file.
import assert from 'node:assert/strict';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { DialectAdapter } from './dialect-adapter.js';
import {
  AGENT_NS,
  assertFault,
  assertUniqueId,
  createCampaign,
  generateToken,
  provisionTenant,
  soapBodyChild,
  soapPost,
  soapRequest,
} from './interact-support.js';

export const interactSoapAdapter: DialectAdapter = {
  name: 'interact (SOAP)',
  async setup(gateway) {
    const tenant = await provisionTenant(gateway);
    await createCampaign(gateway, tenant.auth, { id: 'conformance', text: 'conformance' });
    const expired = await generateToken(gateway, tenant, { campaignId: 'conformance', expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const sms = (fields: Record<string, string>, headers = tenant.headers) =>
      soapPost(soapRequest({ campaignId: 'conformance', ...fields }), headers);
    const xmlAnswer = (
      response: { statusCode: number; headers: Record<string, unknown>; body: string },
      status: number,
    ) => {
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers['content-type']), /^text\/xml/);
      return response.body;
    };
    return {
      send: (to) => sms({ callerId: to }),
      accepted(response) {
        const child = soapBodyChild(xmlAnswer(response, 200));
        assert.equal(child.name, 'CampaignSMSResponse');
        assert.equal(child.ns, AGENT_NS);
        const match = /^message: Campaign conformance was sent to queue messageSid: (SM[0-9a-f]{32})$/.exec(
          child.children[0]?.text ?? '',
        );
        assert.ok(match, response.body);
        return [fromMessageSid(match[1]!)!];
      },
      badRecipient: () => sms({ callerId: 'not a number' }),
      refusedBadRecipient: (response) =>
        assertUniqueId(xmlAnswer(response, 200), 'Missing or invalid parameter callerId'),
      unauthenticated: () => [
        sms({ callerId: '+447911123456' }, {}),
        sms({ callerId: '+447911123456' }, { ...tenant.headers, 'application-key': 'wrong-key-0000' }),
      ],
      refusedUnauthenticated(response) {
        assertFault(
          xmlAnswer(response, 401),
          '0x7000000',
          'Request is unauthorized, missing or wrong credentials',
        );
        assert.equal(typeof response.headers['unauthenticated-reason'], 'string');
      },
      forbidden: () => sms({ callerId: '+447911123456', jpToken: expired.jpToken }),
      refusedForbidden: (response) => assertUniqueId(xmlAnswer(response, 200), 'Token expired'),
      tooLarge: () => sms({ callerId: '+447911123456', additionalParams: `n=${'x'.repeat(3000)}` }),
      malformed: () =>
        soapPost(
          '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>',
          tenant.headers,
        ),
      refused(response, status) {
        assertFault(xmlAnswer(response, status), 'SOAP-ENV:Client');
      },
    };
  },
};
