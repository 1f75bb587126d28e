// Seeds 001/002's SMSSend (ServiceStack, in JSV) under the dialect conformance suite. Not a test file.
import assert from 'node:assert/strict';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { assertStatus, newAccount, readBody } from './servicestack/support.js';

const jsv = (to: string, extra = '') =>
  `{SMSModel:{To:[{PhoneNumber:${to}}],MessageBody:conformance${extra}}}`;

export const serviceStackSmsSendAdapter: DialectAdapter = {
  name: 'servicestack SMSSend (seeds 001/002, JSV)',
  async setup(gateway) {
    const client = await newAccount(gateway);
    const post = (payload: string, headers: Record<string, string> = client.auth) => ({
      method: 'POST' as const,
      url: '/api/sendmessage',
      headers: { 'content-type': 'text/jsv', accept: 'text/jsv', ...headers },
      payload,
    });
    return {
      send: (to) => post(jsv(to)),
      accepted(response) {
        assert.equal(response.statusCode, 200, response.body);
        assert.match(String(response.headers['content-type']), /^application\/jsv/);
        const body = readBody(response) as Record<string, string>;
        assert.equal(body.Status, 'True');
        assert.match(body.CommId!, /^[0-9a-f]{32}$/);
        return body.Reference!.split(',');
      },
      badRecipient: () => post(jsv('not a number')),
      refusedBadRecipient(response) {
        const status = assertStatus(response, 400, 'InvalidNumber');
        assert.deepEqual(
          status.errors.map((e) => [e.fieldName, e.errorCode]),
          [['SMSModel.To[0].PhoneNumber', 'InvalidNumber']],
        );
      },
      unauthenticated: () => [
        post(jsv('+447911123456'), {}),
        post(jsv('+447911123456'), { 'x-api-key': 'sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' }),
      ],
      refusedUnauthenticated(response) {
        assertStatus(response, 401, 'Unauthorized');
        assert.match(String(response.headers['www-authenticate']), /^Basic realm=/);
      },
      // A client may not send for a licensee (tenant) that is not its own.
      forbidden: () => post(jsv('+447911123456', ',LicenseeId:0123456789abcdef0123456789abcdef')),
      refusedForbidden(response) {
        const status = assertStatus(response, 403, 'LicenseeNotAllowed');
        assert.equal(status.errors[0]?.fieldName, 'SMSModel.LicenseeId');
      },
      tooLarge: () => post(jsv('+447911123456', `,Notes:${'x'.repeat(3000)}`), ADMIN_AUTH),
      malformed: () => post('{SMSModel:{To:[{PhoneNumber:+447911123456}', client.auth),
      refused(response, status) {
        assertStatus(response, status, status === 413 ? 'PayloadTooLarge' : 'SerializationException');
        assert.match(String(response.headers['content-type']), /^application\/jsv/);
      },
    };
  },
};
