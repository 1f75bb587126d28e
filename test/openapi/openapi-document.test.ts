import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { registeredRoutes } from '../../src/api/route-list.js';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
}

describe('OpenAPI document of /v1', () => {
  let store: TestStore;
  let gateway: Gateway;
  let document: Document;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store);
    const response = await gateway.http.inject({ method: 'GET', url: '/docs/openapi.json' });
    assert.equal(response.statusCode, 200);
    document = response.json() as Document;
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  it('is a valid OpenAPI 3.1 document (a real validator)', async () => {
    assert.equal(document.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
    assert.equal(result.valid, true);
  });

  it('describes every /v1 route Fastify registered, and nothing that is not a route', () => {
    const routes = registeredRoutes(gateway.http).filter((r) => r.url.startsWith('/v1'));
    assert.ok(routes.length >= 50, `only ${routes.length} /v1 routes recorded`);
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        documented.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
      }
    }
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((key) => !documented.has(key));
    assert.deepEqual(missing, [], 'registered but not in the document');
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const stale = [...documented].filter((key) => !registered.has(key));
    assert.deepEqual(stale, [], 'in the document but not registered');
  });

  it("describes the send body from the validator's own schema (fields, enums, strictness)", () => {
    const send = document.paths['/v1/messages']!.post!.requestBody!.content['application/json']!.schema as {
      properties: Record<string, { enum?: string[] }>;
      required: string[];
      additionalProperties: boolean;
    };
    assert.deepEqual(send.required.sort(), ['text', 'to']);
    assert.deepEqual(send.properties.priority!.enum, ['low', 'normal', 'high', 'urgent']);
    assert.equal(send.additionalProperties, false);
    const batch = document.paths['/v1/messages/batch']!.post!.requestBody!.content['application/json']!
      .schema as {
      properties: { messages: { maxItems: number; items: { properties: Record<string, unknown> } } };
    };
    assert.equal(batch.properties.messages.maxItems, 1000);
    assert.ok('idempotencyKey' in batch.properties.messages.items.properties);
  });

  it('serves Swagger UI at /docs with its assets from the gateway itself (no CDN)', async () => {
    const page = await gateway.http.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(sources.length >= 4);
    for (const source of sources) {
      assert.ok(source.startsWith('/docs/'), `${source} is not served by the gateway`);
      const asset = await gateway.http.inject({ method: 'GET', url: source });
      assert.equal(asset.statusCode, 200, source);
      assert.ok(asset.rawPayload.length > 0);
    }
    const init = await gateway.http.inject({ method: 'GET', url: '/docs/init.js' });
    assert.match(init.body, /\/docs\/openapi\.json/);
    const outside = await gateway.http.inject({ method: 'GET', url: '/docs/assets/package.json' });
    assert.equal(outside.statusCode, 404);
  });
});
