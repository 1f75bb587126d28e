/**
 * Each dialect's send path on one gateway (SQLite, SMPP connector to the simulator), provisioned
 * the way an operator would through the native API, each driven by wrk for the same time with a
 * different recipient per request. The native `/v1` send is measured alongside for scale.
 */
import { BENCH_ADMIN_KEY } from '../gateway-process.js';
import { startStack, waitForAllFinal } from '../lib/smsgate-run.js';
import { fmt, ms, type Row } from '../lib/table.js';
import { type WrkRequest, wrk } from '../lib/wrk.js';

const ADMIN = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = '0123456789abcdef0123456789abcdef';
const RECIPIENT = '+4479111{N}7';

async function post(url: string, body: unknown, headers: Record<string, string> = ADMIN) {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string; apiKey: { key: string } };
}

/** One client account in a tenant with every dialect's credential, and an Interact campaign. */
async function provision(base: string) {
  const tenant = await post(`${base}/v1/tenants`, { name: 'bench tenant' });
  const account = await post(`${base}/v1/accounts`, {
    name: 'bench client',
    role: 'client',
    tenantId: tenant.id,
  });
  const key: string = account.apiKey.key;
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  // Chosen identifiers (the ones an application already uses) are assigned by an admin.
  const credential = (kind: string, extra: Record<string, unknown> = {}) =>
    post(`${base}/v1/accounts/${account.id}/credentials`, { kind, ...extra }, ADMIN);
  await credential('kannel', { identifier: 'kuser', secret: 'kpass' });
  await credential('jasmin', { identifier: 'juser', secret: 'jpass' });
  await credential('twilio', { identifier: TWILIO_SID, secret: TWILIO_TOKEN });
  await credential('account_password', { identifier: '401234567890', secret: 'the CRM api password' });
  const appKey = await credential('application_key');
  await post(`${base}/v1/campaigns`, { id: 'bench', text: 'Hello {{name}}', from: '+12121234567' }, auth);
  return { key, tenantId: tenant.id as string, appKey: appKey.secret as string };
}

const form = (fields: Record<string, string>) =>
  new URLSearchParams(fields).toString().replaceAll('%7BN%7D', '{N}');

export async function dialectsScenario(options: {
  name: string;
  seconds: number;
  connections: number;
}): Promise<Row[]> {
  const stack = await startStack({});
  try {
    const base = stack.gateway.url;
    const p = await provision(base);
    const bearer = { authorization: `Bearer ${p.key}` };
    const json = { ...bearer, 'content-type': 'application/json' };
    const formType = { 'content-type': 'application/x-www-form-urlencoded' };
    const paths: [string, Omit<WrkRequest, 'connections' | 'seconds'>][] = [
      [
        'native POST /v1/messages',
        {
          url: `${base}/v1/messages`,
          method: 'POST',
          headers: json,
          body: JSON.stringify({ to: RECIPIENT, text: 'Hello' }),
        },
      ],
      [
        'servicestack SMSSend (JSON, POST /api/sendmessage)',
        {
          url: `${base}/api/sendmessage`,
          method: 'POST',
          headers: json,
          body: JSON.stringify({ SMSModel: { To: [{ PhoneNumber: RECIPIENT }], MessageBody: 'Hello' } }),
        },
      ],
      [
        'servicestack SendSmsRequest (XML, waits for the verdict)',
        {
          url: `${base}/communication/message/sms`,
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/xml', accept: 'application/xml' },
          body: `<SendSmsRequest xmlns="http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel"><Messages><SmsMessage><channel>smpp</channel><content>Hello</content><to>${RECIPIENT}</to></SmsMessage></Messages></SendSmsRequest>`,
        },
      ],
      [
        'interact REST campaign SMS',
        {
          url: `${base}/interact/version/3/account/${p.tenantId}/resources/campaign/sms/bench`,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'tenant-id': p.tenantId,
            'application-key': p.appKey,
          },
          body: JSON.stringify({ callerId: RECIPIENT, additionalParams: 'name=Bob' }),
        },
      ],
      [
        'accolades form (POST /{accountNumber}/sms/send)',
        {
          url: `${base}/401234567890/sms/send`,
          method: 'POST',
          headers: formType,
          body: form({ password: 'the CRM api password', phoneNumber: RECIPIENT, message: 'Hello' }),
        },
      ],
      [
        'kannel GET /cgi-bin/sendsms',
        {
          url: `${base}/cgi-bin/sendsms?${form({ username: 'kuser', password: 'kpass', to: RECIPIENT, text: 'Hello' })}`,
        },
      ],
      [
        'jasmin GET /send',
        {
          url: `${base}/send?${form({ username: 'juser', password: 'jpass', to: RECIPIENT.slice(1), content: 'Hello' })}`,
        },
      ],
      [
        'twilio POST Messages.json (form)',
        {
          url: `${base}/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`,
          method: 'POST',
          headers: {
            ...formType,
            authorization: `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`,
          },
          body: form({ To: RECIPIENT, From: '+447911000001', Body: 'Hello' }),
        },
      ],
    ];
    const rows: Row[] = [];
    for (const [label, request] of paths) {
      await wrk({ ...request, connections: 10, seconds: 1 });
      await waitForAllFinal(base, 300_000);
      const result = await wrk({ ...request, connections: options.connections, seconds: options.seconds });
      await waitForAllFinal(base, 300_000);
      rows.push({
        scenario: `dialect: ${label}`,
        figure: `${fmt(result.okPerSecond)} accepted/s (p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}; ${result.requests} answers, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors or timeouts)`,
        command: `BENCH_ONLY=${options.name} npm run bench`,
      });
    }
    return rows;
  } finally {
    await stack.stop();
  }
}
