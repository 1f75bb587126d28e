import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';

describe('SMSGATE_NODE_ID', () => {
  it('names the node and keeps the rest of the file’s cluster section', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'smsgate-config-')), 'smsgate.yaml');
    writeFileSync(file, 'cluster:\n  leaseSeconds: 12\n  nodeId: from-file\n');
    const config = loadConfig({ config: file }, { SMSGATE_NODE_ID: 'node-b' });
    assert.deepEqual(config.cluster, { nodeId: 'node-b', leaseSeconds: 12 });
    assert.equal(loadConfig({ config: file }, {}).cluster.nodeId, 'from-file');
    assert.equal(loadConfig({}, {}).cluster.nodeId, undefined, 'unset: host name and port');
  });
});
