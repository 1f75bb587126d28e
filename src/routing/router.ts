import type { Config } from '../config/schema.js';
import { ValidationError } from '../core/errors.js';

export interface RouteChoice {
  readonly connector: string;
  /** Which route matched (its prefix, or `default`), recorded on the message. */
  readonly route: string;
}

/**
 * Chooses the connector for a destination: the route with the longest matching prefix, else the
 * catch-all route, else the first configured connector.
 */
export class Router {
  private readonly routes: { prefix: string; connector: string }[];
  private readonly fallback: string | undefined;

  constructor(config: Pick<Config, 'routes'>, connectorNames: readonly string[]) {
    for (const route of config.routes) {
      if (!connectorNames.includes(route.connector)) {
        throw new ValidationError(
          `route ${route.prefix ?? '(catch-all)'} names unknown connector "${route.connector}"`,
        );
      }
    }
    this.routes = config.routes
      .filter((r) => r.prefix !== undefined)
      .map((r) => ({ prefix: r.prefix!, connector: r.connector }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    this.fallback = config.routes.find((r) => r.prefix === undefined)?.connector ?? connectorNames[0];
  }

  /** The connector for an E.164 destination; throws a 400 naming the number when nothing routes it. */
  resolve(to: string, field = 'to'): RouteChoice {
    for (const route of this.routes) {
      if (to.startsWith(route.prefix)) return { connector: route.connector, route: route.prefix };
    }
    if (this.fallback) return { connector: this.fallback, route: 'default' };
    throw new ValidationError(`no route to ${to}`, field, 'no_route');
  }
}
