import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type HTTPMethods, type InjectOptions } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import { concreteUrl, listRoutes, type Route } from '../helpers/route-list.js';

/** The only routes anyone may call without credentials (any method registered on them). */
const PUBLIC_PATHS = new Set([
  '/health',
  '/ready',
  '/interact/help', // the Interact API: what a 401's moreInfoUrl points at
  '/interact/version/2/agent/soap/agent.wsdl', // the Interact API's WSDL
  // ServiceStack's metadata pages, public as ServiceStack serves them (docs/dialects/servicestack.md)
  ...['/metadata', '/json/metadata', '/xml/metadata', '/jsv/metadata'],
  // Prometheus: open unless `metrics.token` is set (its refusals: test/metrics/metrics-endpoint.test.ts)
  '/metrics',
  // The OpenAPI document and Swagger UI (docs/metrics.md)
  ...['/docs', '/docs/openapi.json', '/docs/init.js'],
]);

/**
 * The dashboard's own routes (docs/dashboard.md) sign in with a form and a session cookie, never an
 * API key: without a session they answer this (the sign-in page, its form refused without its
 * CSRF token, redirects to it, unknown pages and assets). Its `/dashboard/api/…` routes are not
 * here: without a session they are a native 401 like every API route.
 */
const DASHBOARD_ANSWERS: Readonly<Record<string, number>> = {
  'GET /dashboard': 303,
  'HEAD /dashboard': 303,
  'GET /dashboard/login': 200,
  'HEAD /dashboard/login': 200,
  'POST /dashboard/login': 403,
  'POST /dashboard/logout': 303,
  'GET /dashboard/:page': 404,
  'HEAD /dashboard/:page': 404,
  'GET /dashboard/assets/:name': 404,
  'HEAD /dashboard/assets/:name': 404,
};
/** Public files by name: probed with a name that is none of them, so a 404, never a 401. */
const PUBLIC_FILE_PATHS = new Set(['/docs/assets/:file']);

/** What that code is per dialect. */
function expectedUnauthenticatedCode(path: string): string {
  return path.startsWith('/interact/') ? '0x7000000' : 'unauthenticated';
}

/**
 * Routes providers call: no API key, but each connector checks its own `callbackToken` (tested with
 * the connectors); a connector that takes no callbacks answers 404.
 */
const PROVIDER_PATHS = new Set(['/callbacks/:connector']);

/**
 * Routes whose callers send their credentials in a form body (seed 003's `password` field): probed
 * with a plausible form without them, and answered in their dialect's error shape.
 */
const FORM_CREDENTIAL_PATHS = new Set(['/:accountNumber/sms/send']);
const PLAUSIBLE_FORM = 'phoneNumber=%2B447911123456&message=hello';

/** Routes that must be among those found, so a broken parse (nothing found) cannot pass. */
const KNOWN_ROUTES = [
  'GET /health',
  'GET /ready',
  'POST /v1/messages',
  'GET /v1/messages',
  'GET /v1/messages/:id',
  'POST /v1/messages/:id/cancel',
  'POST /v1/messages/preview',
  'GET /v1/stats',
  'GET /v1/connectors',
  'POST /v1/tenants',
  'GET /v1/tenants',
  'GET /v1/tenants/:id',
  'POST /v1/accounts',
  'GET /v1/accounts',
  'GET /v1/accounts/:id',
  'PATCH /v1/accounts/:id',
  'POST /v1/accounts/:id/keys',
  'GET /v1/accounts/:id/keys',
  'DELETE /v1/accounts/:id/keys/:keyId',
  'GET /v1/audit',
  'POST /:accountNumber/sms/send',
  'POST /2010-04-01/Accounts/:accountSid/Messages.json',
  'GET /cgi-bin/sendsms',
  'GET /send',
  'POST /secure/sendbatch',
];

let addressCounter = 0;
/**
 * A fresh client address per probe: the gateway slows down addresses that keep failing
 * authentication (429), and this suite is about which routes demand credentials, not about that.
 */
function freshAddress(): string {
  addressCounter++;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

/**
 * The code of a 401 in the shape of the API that answered: native `{"error":{"code"}}`, or a
 * ServiceStack `ResponseStatus` (any format) with `ErrorCode` `Unauthorized`, read as `unauthenticated`.
 */
/**
 * The code of a 401 in the shape of the dialect owning the path: the Interact API's SOAP fault or
 * JSON, a ServiceStack `ResponseStatus` (any format) with `ErrorCode` `Unauthorized` read as
 * `unauthenticated`, else the native error.
 */
function unauthenticatedCode(path: string, response: { headers: Record<string, unknown>; body: string }) {
  if (path.startsWith('/interact/version/2/agent/soap'))
    return /<faultcode>([^<]*)</.exec(response.body)?.[1];
  if (path.startsWith('/interact/')) return (JSON.parse(response.body) as { code?: string }).code;
  if (/ResponseStatus/i.test(response.body)) {
    return /ErrorCode["<>:]*Unauthorized/i.test(response.body) ? 'unauthenticated' : undefined;
  }
  return (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
}

/**
 * The dialects that answer a failed authentication their own way (docs/dialects/*.md): Twilio's
 * 401 with its code 20003; Kannel's and Jasmin's 403 in their words (neither API has a 401).
 */
function foreignAuthFailure(
  path: string,
): { status: number; matches: (body: string) => boolean } | undefined {
  if (path.startsWith('/2010-04-01/')) {
    return { status: 401, matches: (body) => (JSON.parse(body) as { code?: number }).code === 20003 };
  }
  if (path.startsWith('/cgi-bin/'))
    return { status: 403, matches: (body) => body === 'Authorization failed for sendsms' };
  if (JASMIN_HTTP_PATHS.has(path)) {
    return { status: 403, matches: (body) => /^Error "Authentication failure for username:/.test(body) };
  }
  if (path.startsWith('/secure/')) {
    return {
      status: 403,
      matches: (body) => /^\{"message":"Authentication failure for username:/.test(body),
    };
  }
  return undefined;
}

/** Jasmin's HTTP API paths (its REST API is under /secure). */
const JASMIN_HTTP_PATHS = new Set(['/send', '/balance', '/rate']);

/** Routes whose POSTs are forms (Twilio, Kannel, Jasmin's HTTP API): probed with a plausible one. */
function takesForm(path: string): boolean {
  return path.startsWith('/2010-04-01/') || path.startsWith('/cgi-bin/') || JASMIN_HTTP_PATHS.has(path);
}

/** A body that would pass validation on the routes that take one, so the 401 is not a 400 in disguise. */
const PLAUSIBLE_BODY = { to: ['+447911123456'], text: 'hello', name: 'anon' };

/** The body (and its type) to probe a route with: JSON, or a form for the form-credential routes. */
function probeBody(route: Route): Pick<InjectOptions, 'payload' | 'headers'> {
  if (!['POST', 'PUT', 'PATCH'].includes(route.method)) return {};
  if (FORM_CREDENTIAL_PATHS.has(route.path) || takesForm(route.path)) {
    return { payload: PLAUSIBLE_FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  return { payload: PLAUSIBLE_BODY };
}

describe('route listing (the parser this suite relies on)', () => {
  it('lists exactly the routes of an app, nested params and shared prefixes included', async () => {
    const app = Fastify({ logger: false });
    const handler = async () => ({});
    app.get('/a', handler);
    app.post('/a', handler);
    app.get('/a/:id', handler);
    app.delete('/a/:id/b/:bId', handler);
    app.patch('/ab', handler);
    app.get('/open/unauthenticated', handler);
    await app.ready();
    try {
      const found = listRoutes(app)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      assert.deepEqual(found, [
        'DELETE /a/:id/b/:bId',
        'GET /a',
        'GET /a/:id',
        'GET /open/unauthenticated',
        'HEAD /a',
        'HEAD /a/:id',
        'HEAD /open/unauthenticated',
        'PATCH /ab',
        'POST /a',
      ]);
    } finally {
      await app.close();
    }
  });
});

await describeEachDatabase(
  'every route demands credentials',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let routes: Route[];
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      await gateway.http.ready();
      routes = listRoutes(gateway.http);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('finds the known routes in the route table (the parse works)', () => {
      const found = new Set(routes.map((r) => `${r.method} ${r.path}`));
      for (const known of KNOWN_ROUTES) {
        assert.ok(found.has(known), `route ${known} not found; found: ${[...found].join(', ')}`);
      }
      for (const route of routes) {
        assert.ok(
          gateway.http.hasRoute({ method: route.method as HTTPMethods, url: route.path }),
          `parsed route ${route.method} ${route.path} is not a registered route`,
        );
      }
    });

    it('answers 401 without credentials on every non-public route, 200 on /health and /ready', async () => {
      // /ready needs the sim connector up; wait for it, so a 503 there is not mistaken for a failure.
      await waitFor(
        async () =>
          (await gateway.http.inject({ method: 'GET', url: '/ready' })).statusCode === 200 ? true : undefined,
        10_000,
        '/ready to answer 200',
      );
      let protectedCount = 0;
      const failures: string[] = [];
      for (const route of routes) {
        if (PROVIDER_PATHS.has(route.path)) continue;
        const url = concreteUrl(route.path);
        const response = await gateway.http.inject({
          method: route.method as NonNullable<InjectOptions['method']>,
          url,
          remoteAddress: freshAddress(),
          ...probeBody(route),
        });
        const dashboard = DASHBOARD_ANSWERS[`${route.method} ${route.path}`];
        if (dashboard !== undefined) {
          if (response.statusCode !== dashboard)
            failures.push(
              `${route.method} ${url}: ${response.statusCode} (expected ${dashboard}) ${response.body}`,
            );
          continue;
        }
        const foreign = foreignAuthFailure(route.path);
        const expected = PUBLIC_PATHS.has(route.path)
          ? 200
          : PUBLIC_FILE_PATHS.has(route.path)
            ? 404
            : (foreign?.status ?? 401);
        if (expected === 401 || expected === foreign?.status) protectedCount++;
        if (response.statusCode !== expected) {
          failures.push(
            `${route.method} ${url}: ${response.statusCode} (expected ${expected}) ${response.body}`,
          );
          continue;
        }
        if (foreign) {
          if (route.method !== 'HEAD')
            assert.ok(foreign.matches(response.body), `${route.method} ${url}: ${response.body}`);
        } else if (expected === 401 && route.method !== 'HEAD' && FORM_CREDENTIAL_PATHS.has(route.path)) {
          assert.equal(
            (response.json() as { type: string }).type,
            'error',
            `${route.method} ${url} error shape`,
          );
        } else if (expected === 401 && route.method !== 'HEAD') {
          assert.equal(
            unauthenticatedCode(route.path, response),
            expectedUnauthenticatedCode(route.path),
            `${route.method} ${url} error code`,
          );
        }
      }
      assert.deepEqual(failures, [], `routes answering without credentials:\n${failures.join('\n')}`);
      assert.ok(
        protectedCount >= KNOWN_ROUTES.length - 2,
        `only ${protectedCount} protected routes were exercised`,
      );
    });

    it('answers 401 to a wrong key and to a malformed Authorization header on every non-public route', async () => {
      const badHeaders = [
        { authorization: 'Bearer sk_nosuchkey_abcdefghijklmnopqrstuvwxyz012345' },
        { authorization: 'Bearer not-a-key' },
        { authorization: 'Token whatever' },
        {
          authorization: `Basic ${Buffer.from('admin:sk_nosuchkey_abcdefghijklmnopqrstuvwxyz').toString('base64')}`,
        },
      ];
      const failures: string[] = [];
      for (const route of routes) {
        if (
          PUBLIC_PATHS.has(route.path) ||
          PUBLIC_FILE_PATHS.has(route.path) ||
          PROVIDER_PATHS.has(route.path)
        )
          continue;
        // The dashboard's pages take no API key at all (the test above checks their answers).
        if (DASHBOARD_ANSWERS[`${route.method} ${route.path}`] !== undefined) continue;
        const url = concreteUrl(route.path);
        for (const headers of badHeaders) {
          const probe = probeBody(route);
          const response = await gateway.http.inject({
            method: route.method as NonNullable<InjectOptions['method']>,
            url,
            remoteAddress: freshAddress(),
            ...probe,
            headers: { ...(probe.headers as Record<string, string> | undefined), ...headers },
          });
          if (response.statusCode !== (foreignAuthFailure(route.path)?.status ?? 401)) {
            failures.push(`${route.method} ${url} with ${headers.authorization}: ${response.statusCode}`);
          }
        }
      }
      assert.deepEqual(failures, [], `routes not answering 401 to bad credentials:\n${failures.join('\n')}`);
    });

    it('answers 404 on the callback route of a connector that takes no callbacks (the sim)', async () => {
      for (const method of ['GET', 'POST'] as const) {
        const response = await gateway.http.inject({ method, url: '/callbacks/sim' });
        assert.equal(response.statusCode, 404, `${method} /callbacks/sim`);
      }
    });

    it('answers /health and /ready, and their HEAD variants, without credentials', async () => {
      for (const path of PUBLIC_PATHS) {
        for (const method of ['GET', 'HEAD'] as const) {
          const response = await gateway.http.inject({ method, url: path });
          assert.equal(response.statusCode, 200, `${method} ${path}`);
        }
      }
    });
  },
  describe,
);
