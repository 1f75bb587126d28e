import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { bindSession } from '../../src/smpp/smpp-client.js';
import type { SmppSession } from '../../src/smpp/smpp-session.js';
import { getMessage, waitForStatus } from '../api/support.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { createSmppAccount, smppPortOf, startSmppGateway } from '../smpp-server/smpp-server-kit.js';

describe('metrics and history of SMPP clients', () => {
  let store: TestStore;
  let gateway: Gateway;
  let session: SmppSession;
  let apiKey: string;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startSmppGateway(store);
    ({ apiKey } = await createSmppAccount(gateway, 'metrics1', 'pass1234'));
    session = await bindSession(
      {
        host: '127.0.0.1',
        port: smppPortOf(gateway),
        systemId: 'metrics1',
        password: 'pass1234',
        mode: 'transceiver',
      },
      (pdu, s) => {
        if (pdu.command === 'deliver_sm') s.respond(pdu, 'deliver_sm_resp');
      },
    );
  });
  after(async () => {
    await session.unbind().catch(() => {});
    await gateway.stop(false);
    await store.destroy();
  });

  it('counts the bind and the submits under the smpp dialect, and names the PDU in the history', async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const ids: string[] = [];
    for (const to of ['447911123456', '447911123457']) {
      const response = await session.request('submit_sm', {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: to,
        registered_delivery: 1,
        short_message: Buffer.from('over smpp'),
      });
      assert.equal(response.commandStatus, 0);
      const listed = await gateway.http.inject({ method: 'GET', url: '/v1/messages?limit=1', headers: auth });
      ids.push((listed.json() as { data: { id: string }[] }).data[0]!.id);
    }
    for (const id of ids) await waitForStatus(gateway, id, 'delivered', auth);
    const message = await getMessage(gateway, ids[0]!, auth);
    assert.match(message.history![0]!.detail ?? '', /^accepted by request smpp-\d+-\d+ \(smpp\)$/);

    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /^smsgate_messages_accepted_total\{dialect="smpp"\} 2$/m);
    assert.match(text, /^smsgate_smpp_server_binds\{mode="transceiver"\} 1$/m);
    assert.match(text, /^smsgate_smpp_server_binds\{mode="transmitter"\} 0$/m);
  });
});
