// The dashboard's asset handler serves files of its own directory and nothing else: traversal in
// any spelling (.., encoded, backslashes, absolute paths, dot-files) is a 404 that shows no bytes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readAsset } from '../../src/dashboard/static-assets.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

describe('readAsset', () => {
  let root: string;
  let assets: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'smsgate-assets-'));
    assets = join(root, 'assets');
    mkdirSync(assets);
    writeFileSync(join(assets, 'app.js'), 'console.log(1);');
    writeFileSync(join(assets, '.hidden.js'), 'hidden');
    writeFileSync(join(root, 'secret.js'), 'SECRET');
    writeFileSync(join(root, 'assets-sibling.js'), 'SIBLING');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('serves a plain name inside the directory, with its content type', async () => {
    const asset = await readAsset('app.js', assets);
    assert.equal(asset?.body.toString(), 'console.log(1);');
    assert.equal(asset?.contentType, 'text/javascript; charset=utf-8');
  });

  it('refuses every name that could leave the directory or is not a plain asset', async () => {
    for (const name of [
      '../secret.js',
      '..%2Fsecret.js',
      '..\\secret.js',
      'sub/../../secret.js',
      `${root}/secret.js`,
      '/etc/passwd',
      '.hidden.js',
      '../assets-sibling.js',
      'app.js/',
      'app.js\0.css',
      'missing.js',
      'app.exe',
      '',
    ]) {
      assert.equal(await readAsset(name, assets), undefined, name);
    }
  });
});

await describeEachDatabase(
  'dashboard assets over HTTP',
  () => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await TEST_DATABASES[0]!.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('serves the stylesheet and scripts without a session', async () => {
      const css = await gateway.http.inject({ method: 'GET', url: '/dashboard/assets/dashboard.css' });
      assert.equal(css.statusCode, 200);
      assert.match(String(css.headers['content-type']), /^text\/css/);
      const js = await gateway.http.inject({ method: 'GET', url: '/dashboard/assets/common.js' });
      assert.equal(js.statusCode, 200);
      assert.equal(js.headers['x-content-type-options'], 'nosniff');
    });

    it('answers traversal attempts with 404 and never with a file from outside', async () => {
      for (const url of [
        '/dashboard/assets/../../package.json',
        '/dashboard/assets/..%2F..%2Fpackage.json',
        '/dashboard/assets/%2e%2e/%2e%2e/package.json',
        '/dashboard/assets/..%5C..%5Cpackage.json',
        '/dashboard/assets/%2Fetc%2Fpasswd',
        '/dashboard/assets/....//....//package.json',
        '/dashboard/assets/../dashboard-routes.ts',
        '/dashboard/assets/..%2Fdashboard-routes.ts',
      ]) {
        const response = await gateway.http.inject({ method: 'GET', url });
        assert.ok([400, 404].includes(response.statusCode), `${url}: ${response.statusCode}`);
        assert.ok(!response.body.includes('"dependencies"'), `${url} leaked package.json`);
        assert.ok(!response.body.includes('registerDashboard'), `${url} leaked a source file`);
        assert.ok(!response.body.includes('root:'), `${url} leaked /etc/passwd`);
      }
    });
  },
  describe,
  [TEST_DATABASES[0]!],
);
