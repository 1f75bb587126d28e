/**
 * The metadata pages: `/metadata` lists both operations; each operation's page in each format shows
 * its routes, its DTOs' parameter tables and sample requests, the samples are the seeds' own (seed
 * 000's XML, seed 001's JSV, byte for byte), and a sample taken from the page with its
 * placeholders filled in is accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { sampleBodies, seed, unindentXml } from '../../formats/seeds.js';
import { NUMBERS } from '../../support.js';
import { newAccount } from './support.js';

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** The body of a `<pre>` sample (after its blank line), unescaped. */
function preSample(html: string, kind: 'request' | 'response'): string {
  const match = new RegExp(`<pre class="${kind}">([^]*?)</pre>`).exec(html);
  assert.ok(match, `a ${kind} sample`);
  const text = unescapeHtml(match[1]!);
  return text.slice(text.indexOf('\n\n') + 2);
}

await describeEachDatabase(
  'ServiceStack: metadata pages',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const page = async (url: string) => {
      const response = await gateway.http.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
      return response.body;
    };

    it('/metadata lists both operations with a page per format, without credentials', async () => {
      const html = await page('/metadata');
      for (const op of ['SendSmsRequest', 'SMSSend']) {
        for (const format of ['json', 'xml', 'jsv'])
          assert.ok(html.includes(`href="/${format}/metadata?op=${op}"`), `${op} ${format}`);
      }
      assert.ok(html.includes('Saves the specified SMS and sends it for background processing'));
      assert.equal(await page('/json/metadata'), html, 'without op, the list');
    });

    it('each operation page shows every route, the DTO tables, the roles and the override hint', async () => {
      const html = await page('/jsv/metadata?op=smssend');
      for (const route of [
        '/api/sendmessage',
        '/api/sendmessage/immediate',
        '/api/send',
        '/api/sms/send',
        '/api/send/immediate',
        '/api/sms/send/immediate',
        '/api/SMSSend',
        '/xml/reply/SMSSend',
        '/jsv/oneway/SMSSend',
      ]) {
        assert.ok(html.includes(`<td>${route}</td>`), route);
      }
      for (const table of [
        'SMSSend',
        'SMSModel',
        'SMSContact',
        'BaseLicenseeEnforcedServiceModel',
        'CommResponse',
      ]) {
        assert.ok(html.includes(`<h3>${table} Parameters:</h3>`), table);
      }
      assert.ok(html.includes('<td>To</td><td>form</td><td>List&lt;SMSContact&gt;</td>'));
      assert.ok(html.includes('append the .jsv suffix or ?format=jsv'));
      const seed000 = await page('/xml/metadata?op=SendSmsRequest');
      assert.ok(seed000.includes('Requires any of the roles: Client, Admin, Partner'));
      assert.ok(seed000.includes('<td>/communication/message/sms</td>'));
    });

    it('the samples are the seeds’ own: seed 000’s XML request and response, seed 001’s JSV request and response', async () => {
      const [xmlRequest, xmlResponse] = sampleBodies(seed('000'));
      const xml = await page('/xml/metadata?op=SendSmsRequest');
      assert.equal(unindentXml(preSample(xml, 'request')), unindentXml(xmlRequest!));
      assert.equal(unindentXml(preSample(xml, 'response')), unindentXml(xmlResponse!));
      const [jsvRequest, jsvResponse] = sampleBodies(seed('001'));
      const jsv = await page('/jsv/metadata?op=SMSSend');
      assert.equal(preSample(jsv, 'request'), jsvRequest);
      assert.equal(preSample(jsv, 'response'), jsvResponse);
      assert.match(jsv, /Content-Type: text\/jsv/);
    });

    it('a sample taken from the page, placeholders filled in, is accepted in each format', async () => {
      const { auth } = await newAccount(gateway);
      for (const format of ['json', 'xml', 'jsv'] as const) {
        for (const [op, url] of [
          ['SMSSend', '/api/sendmessage'],
          ['SendSmsRequest', '/communication/message/sms'],
        ] as const) {
          const sample = preSample(await page(`/${format}/metadata?op=${op}`), 'request');
          // Each text placeholder by its member: numbers where numbers go, words elsewhere.
          const value = (name: string) =>
            ({ phonenumber: NUMBERS.delivered, to: NUMBERS.delivered, channel: 'smpp' })[
              name.toLowerCase()
            ] ?? 'from the page';
          const body =
            format === 'xml'
              ? sample.replace(
                  /<(\w+)>String<\/\1>/g,
                  (_, name: string) => `<${name}>${value(name)}</${name}>`,
                )
              : format === 'json'
                ? sample.replace(/"(\w+)": "String"/g, (_, name: string) => `"${name}": "${value(name)}"`)
                : sample.replace(/(\w+): String/g, (_, name: string) => `${name}: ${value(name)}`);
          assert.doesNotMatch(body, /String/);
          const contentType = { json: 'application/json', xml: 'application/xml', jsv: 'text/jsv' }[format];
          const response = await gateway.http.inject({
            method: 'POST',
            url,
            headers: { ...auth, 'content-type': contentType },
            payload: body,
          });
          assert.equal(response.statusCode, 200, `${format} ${op}: ${response.body}\n${body}`);
        }
      }
    });
  },
  describe,
);
