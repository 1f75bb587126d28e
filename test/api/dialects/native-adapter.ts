// The native /v1 API under the dialect conformance suite. Not a test file.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import { createAccount } from '../support.js';
import type { DialectAdapter } from './dialect-adapter.js';

function nativeError(response: LightMyRequestResponse, status: number) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json() as { error: { code: string; message: string; field?: string } };
  assert.equal(typeof body.error.code, 'string');
  assert.ok(body.error.message.length > 0);
  return body.error;
}

export const nativeAdapter: DialectAdapter = {
  name: 'native',
  async setup(_gateway, store) {
    const client = await createAccount(store);
    const json = (payload: unknown, headers: Record<string, string> = client.auth) => ({
      method: 'POST' as const,
      url: '/v1/messages',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    return {
      send: (to) => json({ to, text: 'conformance' }),
      accepted(response) {
        assert.equal(response.statusCode, 202, response.body);
        return (response.json().messages as { id: string }[]).map((m) => m.id);
      },
      badRecipient: () => json({ to: 'not a number', text: 'conformance' }),
      refusedBadRecipient(response) {
        const error = nativeError(response, 400);
        assert.equal(error.field, 'to');
        assert.equal(error.code, 'invalid_number');
      },
      unauthenticated: () => [
        json({ to: '+447911123456', text: 'x' }, {}),
        json(
          { to: '+447911123456', text: 'x' },
          { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' },
        ),
      ],
      refusedUnauthenticated(response) {
        assert.equal(nativeError(response, 401).code, 'unauthenticated');
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
      },
      // A client may not read the route table.
      forbidden: () => ({ method: 'GET', url: '/v1/routes', headers: client.auth }),
      refusedForbidden(response) {
        assert.equal(nativeError(response, 403).code, 'forbidden');
      },
      tooLarge: () => json({ to: '+447911123456', text: 'x'.repeat(3000) }, ADMIN_AUTH),
      malformed: () => json('{"to": "+447911123456", "text": ', client.auth),
      refused(response, status) {
        const error = nativeError(response, status);
        assert.equal(error.code, status === 413 ? 'payload_too_large' : 'invalid_json');
      },
    };
  },
};
