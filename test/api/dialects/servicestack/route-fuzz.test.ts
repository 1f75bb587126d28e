/**
 * Route-level fuzzing of the ServiceStack services (the codecs have their own fuzz tests under
 * test/api/formats/): random text and bytes, mutated valid bodies and well-formed bodies with
 * members of random types, in every format (JSON, XML, JSV, urlencoded and multipart forms), on
 * the services' own and predefined routes. Whatever is sent the answer is never a 5xx; every
 * refusal is a ResponseStatus in the negotiated format, with nothing stored; a valid body cut short
 * is always a 400. Seeded (SERVICESTACK_FUZZ_SEED) so a failure replays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Gateway } from '../../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { mutatedBytes, mutatedText, tokenSoup } from '../../formats/fuzz-support.js';
import { countStoredMessages, type Headers, NUMBERS } from '../../support.js';
import { assertStatus, newAccount } from './support.js';

const SEED = Number(process.env.SERVICESTACK_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.SERVICESTACK_FUZZ_RUNS ?? 60);
const TIMEOUT = { timeout: 120_000 } as const;

const FORMATS = ['json', 'xml', 'jsv', 'form', 'multipart'] as const;
type BodyFormat = (typeof FORMATS)[number];
const BOUNDARY = 'fuzzBoundary';
const CONTENT_TYPES: Record<BodyFormat, string> = {
  json: 'application/json',
  xml: 'application/xml',
  jsv: 'application/jsv',
  form: 'application/x-www-form-urlencoded',
  multipart: `multipart/form-data; boundary=${BOUNDARY}`,
};

/** A valid body of each operation in each format (bases for mutation and truncation). */
const VALID: Record<'SendSmsRequest' | 'SMSSend', Record<BodyFormat, string>> = {
  SendSmsRequest: {
    json: JSON.stringify({
      Messages: [{ channel: 'smpp', to: NUMBERS.delivered, content: 'fuzz', clientMessageId: 'f' }],
    }),
    xml: `<SendSmsRequest xmlns="http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel"><Messages><SmsMessage><channel>smpp</channel><content>fuzz</content><to>${NUMBERS.delivered}</to></SmsMessage></Messages></SendSmsRequest>`,
    jsv: `{Messages:[{channel:smpp,to:${NUMBERS.delivered},content:fuzz,clientMessageId:f}]}`,
    form: `Messages=${encodeURIComponent(`[{to:${NUMBERS.delivered},content:fuzz}]`)}`,
    multipart: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="Messages"\r\n\r\n[{to:${NUMBERS.delivered},content:fuzz}]\r\n--${BOUNDARY}--\r\n`,
  },
  SMSSend: {
    json: JSON.stringify({
      smsModel: { to: [{ phoneNumber: NUMBERS.delivered, contactId: 'b'.repeat(32) }], messageBody: 'fuzz' },
    }),
    xml: `<SMSSend xmlns="http://schemas.servicestack.net/types"><SMSModel><MessageBody>fuzz</MessageBody><To><SMSContact><PhoneNumber>${NUMBERS.delivered}</PhoneNumber></SMSContact></To></SMSModel></SMSSend>`,
    jsv: `{SMSModel:{To:[{PhoneNumber:${NUMBERS.delivered},ContactId:${'c'.repeat(32)}}],MessageBody:fuzz,ReplyIsAllowed:True}}`,
    form: `CreateCommunicationReferencesImmediately=true&SMSModel=${encodeURIComponent(`{To:[{PhoneNumber:${NUMBERS.delivered}}],MessageBody:fuzz}`)}`,
    multipart: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="SMSModel"\r\n\r\n{To:[{PhoneNumber:${NUMBERS.delivered}}],MessageBody:fuzz}\r\n--${BOUNDARY}--\r\n`,
  },
};

const ROUTES = [
  { url: '/communication/message/sms', op: 'SendSmsRequest' },
  { url: '/jsv/reply/SendSmsRequest', op: 'SendSmsRequest' },
  { url: '/api/sendmessage', op: 'SMSSend' },
  { url: '/xml/reply/SMSSend', op: 'SMSSend' },
  { url: '/api/SMSSend', op: 'SMSSend' },
] as const;

const STRUCTURE = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '<',
  '>',
  '/',
  '=',
  '&',
  '%',
  '\n',
  ' ',
  '\u0000',
  '\ud800',
  '😀',
];
const NAMES = [
  'Messages',
  'to',
  'content',
  'channel',
  'clientMessageId',
  'SMSModel',
  'To',
  'From',
  'PhoneNumber',
  'ContactId',
  'MessageBody',
  'ReplyIsRequired',
  'LinkedObjectId',
  'LicenseeId',
  'Notes',
  '__proto__',
  'constructor',
];

/** A JSON value with members named like the DTOs', each of a random type. */
const dtoLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(NUMBERS.delivered, 'True', 'false', '0'.repeat(32), '', 'String', 'ACME'),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Every UTF-8 byte percent-encoded (lone surrogates become U+FFFD, as a browser would send them). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

function bodyArbitrary(
  format: BodyFormat,
  op: 'SendSmsRequest' | 'SMSSend',
): fc.Arbitrary<string | Uint8Array> {
  const valid = VALID[op][format];
  const texts: fc.Arbitrary<string | Uint8Array>[] = [
    tokenSoup([...STRUCTURE, ...NAMES], 80),
    mutatedText([valid], [...STRUCTURE, ...NAMES]),
    mutatedBytes([Buffer.from(valid)]),
    fc.uint8Array({ maxLength: 64 }),
  ];
  if (format === 'json') texts.push(dtoLike.map((value) => JSON.stringify(value) ?? 'null'));
  if (format === 'form') {
    texts.push(
      fc
        .array(fc.tuple(fc.constantFrom(...NAMES), tokenSoup(STRUCTURE, 30)), { maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')),
    );
  }
  return fc.oneof(...texts);
}

await describeEachDatabase(
  'ServiceStack: route-level fuzzing',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let auth: Headers;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      auth = (await newAccount(gateway)).auth;
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const post = (url: string, format: BodyFormat, payload: string | Uint8Array) =>
      gateway.http.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': CONTENT_TYPES[format] },
        payload: typeof payload === 'string' ? payload : Buffer.from(payload),
      });

    for (const format of FORMATS) {
      it(
        `${format}: random and mutated bodies never get a 5xx; every refusal is a ResponseStatus and stores nothing`,
        TIMEOUT,
        async () => {
          const seen = new Map<number, number>();
          await fc.assert(
            fc.asyncProperty(
              fc
                .constantFrom(...ROUTES)
                .chain((route) => fc.tuple(fc.constant(route), bodyArbitrary(format, route.op))),
              async ([route, body]) => {
                const before = await countStoredMessages(store);
                const response = await post(route.url, format, body);
                seen.set(response.statusCode, (seen.get(response.statusCode) ?? 0) + 1);
                assert.ok(
                  [200, 400, 403].includes(response.statusCode),
                  `${route.url}: ${response.statusCode} ${response.body}`,
                );
                if (response.statusCode !== 200) {
                  assertStatus(response, response.statusCode);
                  assert.equal(await countStoredMessages(store), before, 'a refusal stores nothing');
                }
              },
            ),
            { seed: SEED, numRuns: RUNS },
          );
          assert.ok((seen.get(400) ?? 0) > 0, `some bodies were refused: ${JSON.stringify([...seen])}`);
        },
      );
    }

    it(
      'a valid body cut short is a 400 in every format that has structure, on every route',
      TIMEOUT,
      async () => {
        for (const format of ['json', 'xml', 'jsv'] as const) {
          for (const route of ROUTES) {
            const valid = VALID[route.op][format];
            assert.equal(
              (await post(route.url, format, valid)).statusCode,
              200,
              `${format} ${route.url} as sent`,
            );
            await fc.assert(
              fc.asyncProperty(fc.integer({ min: 0, max: valid.length - 1 }), async (cut) => {
                const response = await post(route.url, format, valid.slice(0, cut));
                assertStatus(response, 400);
              }),
              { seed: SEED, numRuns: Math.max(10, Math.floor(RUNS / 3)) },
            );
          }
        }
      },
    );
  },
  describe,
);
