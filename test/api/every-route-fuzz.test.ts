/**
 * Every registered route (read from Fastify's route table, so a route added later is covered)
 * under random methods, headers and bodies — JSON, XML, JSV and form soup, random bytes (invalid
 * UTF-8, NUL), deep nesting, bodies over the limit — anonymously, with a wrong key and with the
 * admin's key. Whatever is sent: never a 5xx, never a crash (the gateway still answers /health),
 * and every answer is in the content type of the dialect owning the path, parseable as such.
 * Seeded (ROUTES_FUZZ_SEED, ROUTES_FUZZ_RUNS); fast-check prints the seed and counterexample.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { HTTPMethods, InjectOptions } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { concreteUrl, listRoutes, type Route } from '../helpers/route-list.js';
import { tokenSoup } from './formats/fuzz-support.js';
import { dialectOf, expectedContentTypes } from './route-dialects.js';

const ROOT_SHARED = new Set(['jasmin-http', 'accolades']);
const SEED = Number(process.env.ROUTES_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.ROUTES_FUZZ_RUNS ?? 2000);
const BODY_LIMIT = 64 * 1024;

const SOUP = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '<',
  '>',
  '/',
  '=',
  '&',
  '%',
  '?',
  '\n',
  '\r',
  '\u0000',
  '😀',
  'a',
  '1',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=latin1',
  'application/xml',
  'text/xml',
  'application/soap+xml',
  'application/jsv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=b',
  'multipart/form-data',
  'text/plain',
  'application/octet-stream',
  '',
  ';;;',
  'application/json\u0000',
];
const ACCEPTS = [
  '*/*',
  'application/json',
  'application/xml',
  'text/html',
  'application/jsv',
  'garbage/☃',
  '',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Bodies too big to print in a counterexample are drawn as a description and built when sent. */
type BigBody =
  | { readonly deep: 'json' | 'xml' | 'jsv'; readonly depth: number }
  | { readonly overLimit: true };

function build(b: string | Buffer | BigBody | undefined): string | Buffer | undefined {
  if (b === undefined || typeof b === 'string' || Buffer.isBuffer(b)) return b;
  if ('overLimit' in b) return `{"a":"${'x'.repeat(BODY_LIMIT + 10)}"}`;
  const [open, close] = { json: ['[', ']'], xml: ['<a>', '</a>'], jsv: ['{a:', '}'] }[b.deep];
  return `${open!.repeat(b.depth)}1${close!.repeat(b.depth)}`;
}

/** A body: soup in the syntaxes the gateway reads, raw bytes, deep nesting, or one over the limit. */
const body: fc.Arbitrary<string | Buffer | BigBody | undefined> = fc.oneof(
  fc.constant(undefined),
  tokenSoup(SOUP, 80),
  fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes)),
  fc.record({
    deep: fc.constantFrom('json' as const, 'xml' as const, 'jsv' as const),
    depth: fc.integer({ min: 1, max: 5000 }),
  }),
  fc.constant(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`),
  fc.constant(`--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\u0000\xff\r\n--b`),
  fc.constant(Buffer.concat([Buffer.from('{"to":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])),
  fc.constant({ overLimit: true } as const),
);

const auth = fc.constantFrom<Record<string, string>>(
  {},
  { authorization: 'Bearer sk_wrong_000000000000000000000' },
  { authorization: 'Basic Og==' },
  { authorization: '\u00ff garbage' },
  ADMIN_AUTH,
);

function request(
  route: Route,
  method: string,
  url: string,
  b: string | Buffer | undefined,
  headers: Record<string, string>,
) {
  return {
    method: method as HTTPMethods,
    url,
    headers,
    ...(b === undefined || method === 'GET' || method === 'HEAD' ? {} : { payload: b }),
    // The route this case was drawn for, so a failure names it.
    route: `${route.method} ${route.path}`,
  };
}

/** A random query string (parameters named like the dialects' ones, values of soup). */
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('to', 'text', 'username', 'password', 'dlr-url', 'id', 'limit', 'x'),
      tokenSoup(SOUP, 12),
    ),
    {
      maxLength: 3,
    },
  )
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '',
  );

await describeEachDatabase(
  'every route under hostile input',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let routes: Route[];
    let registered: Set<string>;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { bodyLimitBytes: BODY_LIMIT } });
      await gateway.http.ready();
      routes = listRoutes(gateway.http);
      registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
      assert.ok(routes.length > 100, `${routes.length} routes found`);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    async function check(options: ReturnType<typeof request>): Promise<void> {
      const { route, ...inject } = options;
      const response = await gateway.http.inject(inject as InjectOptions);
      const what = `${route} as ${inject.method} ${inject.url.slice(0, 120)} (${JSON.stringify(inject.headers)}): ${response.statusCode} ${response.body.slice(0, 300)}`;
      assert.ok(response.statusCode < 500, what);
      if (inject.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) return;
      // The root is shared (native, Accolades, Jasmin's HTTP API): a method a root route does not
      // register is the native API's 404 (or its body error), as on any unclaimed path.
      const owned = registered.has(`${inject.method} ${route.split(' ')[1]}`);
      const claimed = dialectOf(inject.url);
      const dialect = !owned && ROOT_SHARED.has(claimed) ? 'native' : claimed;
      const type = String(response.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      assert.ok(
        expectedContentTypes(dialect, inject.url).includes(type),
        `${dialect} answered ${type}: ${what}`,
      );
      if (type === 'application/json') assert.doesNotThrow(() => JSON.parse(response.body), what);
      if (type.endsWith('/xml')) assert.match(response.body, /^\s*</, what);
      if (response.statusCode >= 400) assert.ok(response.body.length > 0, `an empty refusal: ${what}`);
    }

    it('each route once with a hostile body of each kind, anonymously and as admin', {
      timeout: 300_000,
    }, async () => {
      const hostile = [
        '{"a":',
        '<a><b></a>',
        Buffer.from([0xff, 0xfe, 0x00, 0xc3]),
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        'x'.repeat(BODY_LIMIT + 1),
      ];
      for (const route of routes) {
        const url = concreteUrl(route.path);
        for (const [i, b] of hostile.entries()) {
          const headers = {
            ...(i % 2 === 0 ? ADMIN_AUTH : {}),
            'content-type': CONTENT_TYPES[i % CONTENT_TYPES.length]!,
          };
          await check(request(route, route.method, url, b, headers));
        }
      }
    });

    it('random routes, methods, headers, queries and bodies: never a 5xx, always the dialect’s type', {
      timeout: 300_000,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.oneof(fc.constant(undefined), fc.constantFrom(...METHODS)),
          fc.constantFrom('x', '%00', '..%2f..%2fetc%2fpasswd', '%ff', 'a'.repeat(300), '😀', '%E2%80%AE'),
          query,
          body,
          fc.constantFrom(...CONTENT_TYPES),
          fc.constantFrom(...ACCEPTS),
          auth,
          async (index, method, param, q, b, contentType, accept, credentials) => {
            const route = routes[index % routes.length]!;
            const headers: Record<string, string> = { ...credentials, accept };
            if (contentType) headers['content-type'] = contentType;
            await check(
              request(route, method ?? route.method, concreteUrl(route.path, param) + q, build(b), headers),
            );
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      const health = await gateway.http.inject({ method: 'GET', url: '/health' });
      assert.equal(health.statusCode, 200, 'the gateway still answers');
    });
  },
  describe,
);
