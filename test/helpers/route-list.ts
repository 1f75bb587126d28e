// Every route a Fastify server exposes, for suites that must cover each one (anonymous access,
// hostile input): read from Fastify's own route tree, so a route added later is covered too.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  path: string;
}

/**
 * Every (method, path) the server exposes, read from `printRoutes({ commonPrefix: false })`. Each
 * line is `<indent><├── or └──> <segment> (METHODS)`; the indent is 4 characters per level and a
 * node's full path is its ancestors' segments joined.
 */
export function listRoutes(app: FastifyInstance): Route[] {
  const tree = app.printRoutes({ commonPrefix: false, includeMeta: false });
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    assert.ok(match, `unparseable line in printRoutes output: ${JSON.stringify(line)}\n${tree}`);
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(',')) {
      if (method.trim() !== '') routes.push({ method: method.trim(), path });
    }
  }
  return routes;
}

/** A concrete URL for a route: every path parameter (and wildcard) becomes `x`. */
export function concreteUrl(path: string, value = 'x'): string {
  return path.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, value).replace(/\*/g, value);
}
