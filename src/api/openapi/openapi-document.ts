import { z } from 'zod';
import type { V1Operation } from './v1-operations.js';

/** JSON Schema of a zod schema, as OpenAPI 3.1 embeds it (JSON Schema 2020-12, no `$schema`). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  // `input`: what a caller sends (defaults optional, coerced query numbers as written);
  // refinements JSON Schema cannot say (a custom check) are left to the message of the 400.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/** `/v1/messages/:id` → `/v1/messages/{id}`, and the names of its path parameters. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function queryParameters(query: z.ZodType): Record<string, unknown>[] {
  const schema = jsonSchemaOf(query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operationObject(operation: V1Operation, params: readonly string[]): Record<string, unknown> {
  const status = String(operation.status ?? 200);
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(operation.query ? queryParameters(operation.query) : []),
    ...(operation.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: false,
      description: h.description,
      schema: { type: 'string' },
    })),
  ];
  return {
    operationId: `${operation.method}${operation.path.replace(/[/:]+([a-zA-Z])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    summary: operation.summary,
    tags: [operation.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(operation.body) } },
          },
        }
      : {}),
    responses: {
      [status]:
        status === '204'
          ? { description: 'Done (no body)' }
          : { description: 'Success', content: { 'application/json': {} } },
      '400': errorResponse('Bad input: `error.field` names the field'),
      '401': errorResponse('No or a wrong API key'),
      '403': errorResponse('The key may not do this'),
      '404': errorResponse('Not found (or not yours)'),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the native API, built from the operation list (whose schemas are
 * the handlers' own). Built once per process: the routes do not change while it runs.
 */
export function buildOpenApiDocument(operations: readonly V1Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const { path, params } = openApiPath(operation.path);
    paths[path] ??= {};
    paths[path][operation.method] = operationObject(operation, params);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'smsgate native API',
      version,
      description:
        'smsgate\'s own REST API (`/v1`). Errors are `{"error":{"code","message","field"}}`; see docs/api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { basic: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer sk_…`' },
        basic: { type: 'http', scheme: 'basic', description: '`<account id>:<api key>`' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                field: { type: 'string', description: 'The field at fault (400s)' },
              },
            },
          },
        },
      },
    },
  };
}
