// The dashboard in a real browser: Debian's chromium driven by playwright-core against a gateway
// listening on a real port, SQLite store, sim connector, a real webhook receiver. Signs in, sends
// from the composer and watches the timeline reach `delivered`, replays a dead-lettered webhook,
// and sees a partner refused an admin page. Screenshots go to test-artifacts/dashboard/ (the PNGs
// in docs/images/ are copies of them). Without chromium this FAILS with what to install: a browser
// test that skips would let a broken dashboard pass.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { createApiAccount } from './support.js';

const CHROMIUM = process.env.SMSGATE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('dashboard in chromium', () => {
  let store: TestStore;
  let gateway: Gateway;
  let receiver: WebhookReceiver;
  let profile: string;
  let context: BrowserContext;
  let base: string;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `chromium is not installed at ${CHROMIUM}: the dashboard's browser test needs it ` +
          '(apt-get install -y chromium — .ci/run installs it; or set SMSGATE_CHROMIUM to a Chromium binary)',
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = await WebhookReceiver.start(500);
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, {
      listen: true,
      config: {
        // Dead letters within a second, so the replay can be seen in the test.
        webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS, retryForSeconds: 1 },
        connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 200 }],
      },
    });
    base = gateway.url;
    // A fresh profile: no cookies or cache from any earlier run.
    profile = mkdtempSync(join(tmpdir(), 'smsgate-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
  });

  after(async () => {
    await context?.close();
    await gateway?.stop(false);
    await store?.destroy();
    await receiver?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(`${base}/dashboard`);
    await page.waitForURL(/\/dashboard\/login$/);
    await page.fill('#apiKey', key);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/overview$/);
  }

  async function signOut(page: Page): Promise<void> {
    await page.click('text=Sign out');
    await page.waitForURL(/\/dashboard\/login$/);
  }

  it('signs in with an API key and shows the overview with its chart', async () => {
    const page = await newPage();
    await signIn(page, TEST_ADMIN_KEY);
    await page.waitForSelector('#chart svg');
    await page.waitForSelector('#stat-queue');
    assert.match((await page.textContent('#who')) ?? '', /admin/);
    await page.close();
  });

  it('sends a message from the composer and sees it delivered in the timeline', async () => {
    const page = await newPage();
    await page.goto(`${base}/dashboard/compose`);
    await page.fill('#to', '+447911123456');
    await page.fill('#text', 'Hello from the dashboard: 10 € off today');
    // The live counter: the euro sign is in GSM 03.38's extension table, so this stays GSM-7.
    await page.locator('#encoding', { hasText: /^gsm7$/ }).waitFor();
    await page.fill('#text', 'Привет from the dashboard');
    // (Locators, not waitForFunction: the page's CSP forbids evaluating strings, as it should.)
    await page.locator('#encoding', { hasText: /^ucs2$/ }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'compose.png'), fullPage: true });
    await page.click('#send');
    await page.waitForSelector('#sent-link');
    const id = (await page.textContent('#sent-link'))!;
    assert.match(id, /^msg_[0-9A-Z]{26}$/);
    await page.click('#sent-link');
    await page.waitForURL(/\/dashboard\/messages\?message=/);
    // The page refreshes an unfinished message until it is final.
    await page.waitForSelector('#timeline li[data-status="delivered"]', { timeout: 30_000 });
    const statuses = await page.$$eval('#timeline li', (items) =>
      items.map((li) => li.getAttribute('data-status')),
    );
    assert.deepEqual(statuses, ['queued', 'sending', 'sent', 'delivered']);
    assert.match((await page.textContent('#timeline'))!, /stat:DELIVRD/);
    assert.ok(!/\bnull\b/.test((await page.textContent('main'))!), 'no stray "null" rendered');
    await page.screenshot({ path: join(ARTIFACTS, 'timeline.png'), fullPage: true });
    // The same message, read through the API with the same key.
    const api = await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: ADMIN_AUTH });
    assert.equal(api.json().status, 'delivered');
    await page.close();
  });

  it('replays a dead-lettered webhook from the webhooks page', async () => {
    const sent = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ to: '+447911123457', text: 'webhook test', callbackUrl: receiver.url() }),
    });
    assert.equal(sent.statusCode, 202, sent.body);
    const messageId = sent.json().messages[0].id as string;
    const dead = await waitFor(
      async () => {
        const events = await gateway.http.inject({
          method: 'GET',
          url: `/v1/events?messageId=${messageId}&state=dead`,
          headers: ADMIN_AUTH,
        });
        const data = events.json().data as { id: string }[];
        return data.length > 0 ? data[0]!.id : undefined;
      },
      30_000,
      'a dead-lettered event',
    );
    receiver.answer(200);
    const page = await newPage();
    await page.goto(`${base}/dashboard/webhooks?state=dead`);
    const row = page.locator(`tr[data-event="${dead}"]`);
    await row.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'webhooks-dead-letters.png'), fullPage: true });
    await row.locator('button.replay').click();
    await row.locator('.replayed-note').waitFor();
    await waitFor(
      async () => {
        const event = await gateway.http.inject({
          method: 'GET',
          url: `/v1/events/${dead}`,
          headers: ADMIN_AUTH,
        });
        return event.json().state === 'delivered' ? true : undefined;
      },
      30_000,
      'the replayed event to be delivered',
    );
    assert.ok(
      receiver.to('/hook').some((r) => r.answered === 200),
      'the receiver got the replay',
    );
    await page.close();
  });

  it('shows a partner the admin page refused, and no menu entry for it', async () => {
    const partner = await createApiAccount(gateway, { name: 'reseller', role: 'partner' });
    const page = await newPage();
    await page.goto(`${base}/dashboard/overview`);
    await signOut(page);
    await signIn(page, partner.key);
    assert.equal(await page.locator('nav a[href="/dashboard/connectors"]').count(), 0);
    const response = await page.goto(`${base}/dashboard/connectors`);
    assert.equal(response?.status(), 403);
    assert.match((await page.textContent('#denied'))!, /Only an admin may see the connectors/);
    await page.screenshot({ path: join(ARTIFACTS, 'partner-denied.png'), fullPage: true });
    await page.close();
  });

  it('uploads a CSV with a progress view, and a second upload of the same file sends nothing again', async () => {
    const page = await newPage();
    await page.goto(`${base}/dashboard/overview`);
    await signOut(page);
    await signIn(page, TEST_ADMIN_KEY);
    const rows = Array.from(
      { length: 250 },
      (_, i) => `+4479111${String(20000 + i).padStart(5, '0')},Ann ${i}`,
    );
    const csv = Buffer.from(`to,name\n${rows.join('\n')}\n+44,Bad number\n`);
    for (const round of [1, 2]) {
      await page.goto(`${base}/dashboard/upload`);
      await page.setInputFiles('#csv', { name: 'contacts.csv', mimeType: 'text/csv', buffer: csv });
      await page.fill('#template', 'Hi {{name}}, your code is ready');
      await page.click('#start');
      await page.waitForSelector('#done', { timeout: 60_000 });
      const summary = (await page.textContent('#summary'))!;
      if (round === 1) {
        assert.match(summary, /251 of 251 rows · 250 sent · 0 already sent before · 1 refused/);
        assert.match((await page.textContent('#errors'))!, /row 251: to:/);
        await page.screenshot({ path: join(ARTIFACTS, 'csv-upload.png'), fullPage: true });
      } else {
        assert.match(summary, /251 of 251 rows · 0 sent · 250 already sent before · 1 refused/);
      }
    }
    const list = await gateway.http.inject({
      method: 'GET',
      url: '/v1/messages?limit=1000',
      headers: ADMIN_AUTH,
    });
    const texts = (list.json().data as { text: string }[]).filter((m) =>
      m.text.endsWith('your code is ready'),
    );
    assert.equal(texts.length, 250, 'each row sent exactly once');
    assert.ok(texts.some((m) => m.text === 'Hi Ann 7, your code is ready'));
    await page.close();
  });

  it('opens every page an admin has without a script error or a failed API call', async () => {
    const page = await newPage();
    for (const name of [
      'overview',
      'messages',
      'compose',
      'upload',
      'inbound',
      'webhooks',
      'connectors',
      'accounts',
      'campaigns',
    ]) {
      const response = await page.goto(`${base}/dashboard/${name}`);
      assert.equal(response?.status(), 200, name);
      // Every API read of the page done (the overview's event stream never ends: its first snapshot is the sign).
      if (name === 'overview') await page.waitForSelector('#chart svg', { state: 'attached' });
      else await page.waitForLoadState('networkidle');
      const alerts = await page.locator('#page [role=alert]').allTextContents();
      assert.deepEqual(alerts, [], `${name}: ${alerts.join('; ')}`);
      if (name === 'accounts' || name === 'connectors') {
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
      }
    }
    await page.close();
  });

  it('creates an API key and a dialect credential on the accounts page, each secret shown once', async () => {
    const page = await newPage();
    await page.goto(`${base}/dashboard/accounts`);
    await page.fill('#key-name', 'made in the dashboard');
    await page.click('#create-key');
    const key = (await page.locator('#new-key .secret').textContent())!;
    assert.match(key, /^sk_[A-Za-z0-9]+_/);
    const check = await gateway.http.inject({
      method: 'GET',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(check.statusCode, 200, 'the new key works against the API');
    await page.selectOption('#credential-kind', 'smpp');
    await page.click('#create-credential');
    await page.locator('#new-credential .secret').waitFor();
    const listed = await gateway.http.inject({
      method: 'GET',
      url: '/v1/accounts/admin/credentials',
      headers: ADMIN_AUTH,
    });
    assert.deepEqual(
      (listed.json().data as { kind: string }[]).map((c) => c.kind),
      ['smpp'],
    );
    await page.reload();
    await page.locator('#credentials table').waitFor();
    assert.equal(await page.locator('.secret').count(), 0, 'a secret is never shown again');
    await page.close();
  });

  it('is readable on a phone-sized screen', async () => {
    const page = await newPage();
    await page.goto(`${base}/dashboard/overview`);
    await page.waitForSelector('#chart svg rect[data-status="delivered"]', { state: 'attached' });
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector('#chart svg rect', { state: 'attached' });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
    assert.ok(!/\bnull\b/.test((await page.textContent('main'))!), 'no stray "null" rendered');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: true });
    await page.close();
    assert.deepEqual(pageErrors, [], 'no script errors on any page');
  });
});
