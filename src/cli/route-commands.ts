import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags, run, withConnection } from './command-support.js';

interface RouteTable {
  source: 'config' | 'api';
  routes: Record<string, unknown>[];
}

function routeLine(route: Record<string, unknown>): string {
  const criteria = ['prefix', 'accountId', 'channel', 'sender']
    .filter((key) => route[key] !== undefined)
    .map((key) => `${key}=${String(route[key])}`)
    .join(' ');
  const action = route.connector
    ? `→ ${String(route.connector)}`
    : route.failover
      ? `failover ${(route.failover as string[]).join(' → ')}`
      : `weighted ${(route.weighted as { connector: string; weight: number }[]).map((w) => `${w.connector}:${w.weight}`).join(' ')}`;
  return `${criteria || '*'}  ${action}${route.name ? `  (${String(route.name)})` : ''}`;
}

const printTable = (table: RouteTable) => {
  console.log(`# routes from the ${table.source === 'api' ? 'saved table (PUT /v1/routes)' : 'config file'}`);
  for (const route of table.routes) console.log(routeLine(route));
};

/** `smsgate routes list|set|reset` (admin), against a running gateway. */
export function registerRouteCommands(program: Command): void {
  const routes = program.command('routes').description('the route table (admin key)');
  withConnection(routes.command('list').description('the route table in use')).action(
    (flags: ConnectionFlags) => run(flags, (c) => apiRequest<RouteTable>(c, 'GET', '/v1/routes'), printTable),
  );
  withConnection(
    routes
      .command('set <file>')
      .description('replace the route table with a YAML or JSON file (a list of routes, or {routes: […]})'),
  ).action((file: string, flags: ConnectionFlags) => {
    const parsed = parseYaml(readFileSync(file, 'utf8')) as unknown;
    const table = Array.isArray(parsed) ? parsed : (parsed as { routes?: unknown })?.routes;
    if (!Array.isArray(table)) throw new Error(`${file} holds no list of routes`);
    return run(flags, (c) => apiRequest<RouteTable>(c, 'PUT', '/v1/routes', { routes: table }), printTable);
  });
  withConnection(
    routes.command('reset').description("forget the saved table; the config file's applies"),
  ).action((flags: ConnectionFlags) =>
    run(flags, (c) => apiRequest<RouteTable>(c, 'DELETE', '/v1/routes'), printTable),
  );
}
