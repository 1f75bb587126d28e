import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseGroups } from '../../../../src/api/dialects/servicestack/response-groups.js';
import { buildConfig } from '../../../../src/config/load-config.js';
import { configSchema } from '../../../../src/config/schema.js';

describe('the dialectGroup connector setting', () => {
  it('is one of the three groups, on sim and http connectors only', () => {
    const sim = (dialectGroup: unknown) => ({ connectors: [{ name: 's', type: 'sim', dialectGroup }] });
    for (const group of ['grandcomMsgResponse', 'clickatellMsgResponse', 'SMPPMsgResponse']) {
      assert.ok(configSchema.safeParse(sim(group)).success, group);
    }
    assert.equal(configSchema.safeParse(sim('smpp')).success, false);
    const smpp = {
      connectors: [
        {
          name: 'x',
          type: 'smpp',
          host: '127.0.0.1',
          port: 2775,
          systemId: 'a',
          password: 'b',
          dialectGroup: 'SMPPMsgResponse',
        },
      ],
    };
    assert.equal(
      configSchema.safeParse(smpp).success,
      false,
      'an SMPP connector reports under its own family',
    );
  });

  it('decides each connector’s group: its family’s, else its setting, else SMPPMsgResponse', () => {
    const config = buildConfig({
      logLevel: 'silent',
      connectors: [
        { name: 'plain', type: 'sim' },
        { name: 'grouped', type: 'sim', dialectGroup: 'grandcomMsgResponse' },
        {
          name: 'gc',
          type: 'grandcom',
          baseUrl: 'http://127.0.0.1:1',
          username: 'u',
          password: 'p',
          callbackToken: 'token-token-token',
        },
        {
          name: 'ck',
          type: 'clickatell',
          apiKey: 'k',
          baseUrl: 'http://127.0.0.1:1',
          callbackToken: 'token-token-token',
        },
      ],
    });
    const groups = new ResponseGroups(config);
    assert.equal(groups.groupOf('plain'), 'SMPPMsgResponse');
    assert.equal(groups.groupOf('grouped'), 'grandcomMsgResponse');
    assert.equal(groups.groupOf('gc'), 'grandcomMsgResponse');
    assert.equal(groups.groupOf('ck'), 'clickatellMsgResponse');
    assert.equal(groups.groupOf('removed-since'), 'SMPPMsgResponse');
  });
});
