import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bindSession } from '../../src/smpp/smpp-client.js';
import { SmppServer } from '../../src/smpp/smpp-server.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url)));

describe('SMPP over TLS', () => {
  let server: SmppServer;
  let port: number;
  const received: string[] = [];
  before(async () => {
    server = new SmppServer({
      tls: { key: fixture('localhost.key'), cert: fixture('localhost.crt') },
      authenticate: (bind) => (bind.password === 'secret' ? 0 : 0x0e),
      onBound: (session) => (pdu) => {
        if (pdu.command !== 'submit_sm') return session.respondError(pdu, 0x03);
        received.push(pdu.destination_addr);
        session.respond(pdu, 'submit_sm_resp', { message_id: 'tls-1' });
      },
    });
    port = await server.listen(0);
  });
  after(() => server.close());

  it('binds and submits over TLS when the client trusts the certificate', async () => {
    const session = await bindSession({
      host: '127.0.0.1',
      port,
      tls: { ca: fixture('localhost.crt'), servername: 'localhost' },
      systemId: 'gw',
      password: 'secret',
      mode: 'transceiver',
    });
    const response = await session.request('submit_sm', {
      destination_addr: '447911123456',
      short_message: Buffer.from('hi'),
    });
    assert.equal(response.commandStatus, 0);
    assert.equal(response.command === 'submit_sm_resp' ? response.message_id : '', 'tls-1');
    assert.deepEqual(received, ['447911123456']);
    await session.unbind();
  });

  it('refuses a server certificate the client does not trust', async () => {
    await assert.rejects(
      bindSession({
        host: '127.0.0.1',
        port,
        tls: true,
        systemId: 'gw',
        password: 'secret',
        mode: 'transceiver',
      }),
      /self[- ]signed|certificate/i,
    );
  });
});
