// Seed 000's SendSmsRequest (ServiceStack, in its XML) under the dialect conformance suite. Not a test file.
import assert from 'node:assert/strict';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { assertStatus, groupIds, newAccount, readBody, setLimits } from './servicestack/support.js';

const xml = (to: string, content = 'conformance') =>
  '<SendSmsRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel">' +
  `<Messages><SmsMessage><channel>smpp</channel><clientMessageId>c1</clientMessageId><content>${content}</content><to>${to}</to></SmsMessage></Messages></SendSmsRequest>`;

export const serviceStackSendSmsAdapter: DialectAdapter = {
  name: 'servicestack SendSmsRequest (seed 000, XML)',
  async setup(gateway) {
    const client = await newAccount(gateway);
    const overQuota = await newAccount(gateway);
    await setLimits(gateway, overQuota.accountId, { monthlySegmentQuota: 0 });
    const post = (payload: string, headers: Record<string, string> = client.auth) => ({
      method: 'POST' as const,
      url: '/communication/message/sms',
      headers: { 'content-type': 'application/xml', accept: 'application/xml', ...headers },
      payload,
    });
    return {
      send: (to) => post(xml(to)),
      accepted(response) {
        assert.equal(response.statusCode, 200, response.body);
        assert.match(String(response.headers['content-type']), /^application\/xml/);
        const groups = groupIds(readBody(response));
        assert.deepEqual(Object.keys(groups), ['SMPPMsgResponse'], 'the simulator reports under SMPP');
        return groups.SMPPMsgResponse!;
      },
      badRecipient: () => post(xml('not a number')),
      refusedBadRecipient(response) {
        const status = assertStatus(response, 400, 'InvalidNumber');
        assert.deepEqual(
          status.errors.map((e) => [e.fieldName, e.errorCode]),
          [['Messages[0].to', 'InvalidNumber']],
        );
      },
      unauthenticated: () => [
        post(xml('+447911123456'), {}),
        post(xml('+447911123456'), { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' }),
      ],
      refusedUnauthenticated(response) {
        assertStatus(response, 401, 'Unauthorized');
        assert.match(String(response.headers['www-authenticate']), /^Basic realm=/);
      },
      // All three roles may send; an account whose quota is spent may not.
      forbidden: () => post(xml('+447911123456'), overQuota.auth),
      refusedForbidden(response) {
        assertStatus(response, 403, 'QuotaExceeded');
      },
      tooLarge: () => post(xml('+447911123456', 'x'.repeat(3000)), ADMIN_AUTH),
      malformed: () => post('<SendSmsRequest><Messages><SmsMessage>', client.auth),
      refused(response, status) {
        assertStatus(response, status, status === 413 ? 'PayloadTooLarge' : 'SerializationException');
        assert.match(String(response.headers['content-type']), /^application\/xml/);
      },
    };
  },
};
