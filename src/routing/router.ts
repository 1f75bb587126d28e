import { ValidationError } from '../core/errors.js';
import { type RouteDefinition, routeConnectors, routeName } from './route-schema.js';

/** The route name of messages sent through a connector chosen by the sender (`Router.pinned`). */
export const PINNED_ROUTE = '(pinned)';

export interface RouteChoice {
  readonly connector: string;
  /** Which route matched (its name), recorded on the message. */
  readonly route: string;
}

/** What a route is matched against. */
export interface RouteRequest {
  readonly to: string;
  readonly accountId?: string | undefined;
  readonly channel?: string | undefined;
  readonly sender?: string | null | undefined;
  /**
   * A connector type asked for (seed 000's `channel` naming a provider family): unless the matching
   * route names a `channel`, the first connector of this type that is up takes the message (route
   * `type=<type>`); with none of that type, the route table decides as usual.
   */
  readonly connectorType?: string | undefined;
}

interface CompiledRoute {
  readonly name: string;
  readonly definition: RouteDefinition;
  readonly prefix: string;
  readonly criteria: number;
  readonly connectors: readonly string[];
}

/**
 * The route table. A message takes the most specific matching route: the longest destination
 * prefix, then the most other criteria (account, channel, sender), then the table's order. Its
 * action names one connector, a failover list (the first connector that is up) or weighted
 * connectors (drawn by weight among those that are up). With no route at all, the first
 * connector takes everything.
 */
export class Router {
  private routes: CompiledRoute[] = [];
  private byName = new Map<string, CompiledRoute>();

  constructor(
    routes: readonly RouteDefinition[],
    private readonly connectorNames: readonly string[],
    /** Whether a connector can take messages now (a connector that is down is skipped). */
    private readonly isUp: (connector: string) => boolean = () => true,
    private readonly random: () => number = Math.random,
    /** A connector's type (`sim`, `smpp`, `clickatell`, …), for requests naming a `connectorType`. */
    private readonly typeOf: (connector: string) => string | undefined = () => undefined,
  ) {
    this.replace(routes);
  }

  /** Checks a table against the connectors; throws a 400 naming the first problem. */
  validate(routes: readonly RouteDefinition[]): void {
    const names = new Set<string>();
    routes.forEach((route, i) => {
      for (const connector of routeConnectors(route)) {
        if (!this.connectorNames.includes(connector)) {
          throw new ValidationError(
            `routes[${i}] (${routeName(route)}) names unknown connector "${connector}"`,
            `routes[${i}]`,
            'unknown_connector',
          );
        }
      }
      const name = routeName(route);
      if (names.has(name)) {
        throw new ValidationError(
          `routes[${i}]: two routes are named "${name}"; give one a name`,
          `routes[${i}]`,
        );
      }
      names.add(name);
    });
  }

  /** Replaces the whole table (after `validate`). */
  replace(routes: readonly RouteDefinition[]): void {
    this.validate(routes);
    const compiled = routes.map((definition, order) => ({
      order,
      route: {
        name: routeName(definition),
        definition,
        prefix: definition.prefix ?? '',
        criteria: [definition.accountId, definition.channel, definition.sender].filter((c) => c !== undefined)
          .length,
        connectors: routeConnectors(definition),
      },
    }));
    compiled.sort(
      (a, b) =>
        b.route.prefix.length - a.route.prefix.length ||
        b.route.criteria - a.route.criteria ||
        a.order - b.order,
    );
    this.routes = compiled.map((c) => c.route);
    this.byName = new Map(this.routes.map((r) => [r.name, r]));
  }

  /** The table as it was given. */
  definitions(): RouteDefinition[] {
    return [...this.byName.values()].map((r) => r.definition);
  }

  /** Chooses route and connector for a message; throws a 400 naming the field when nothing routes it. */
  resolve(request: RouteRequest, field = 'to'): RouteChoice {
    if (request.connectorType !== undefined) {
      const byType = this.byType(request);
      if (byType) return byType;
    }
    if (this.routes.length === 0) {
      const first = this.connectorNames[0];
      if (first) return { connector: first, route: 'default' };
    }
    const route = this.routes.find((r) => matches(r.definition, request));
    if (!route) {
      const what = [
        request.to,
        request.channel ? `channel ${request.channel}` : undefined,
        request.sender ? `sender ${request.sender}` : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      throw new ValidationError(`no route for ${what}`, field, 'no_route');
    }
    return { connector: this.pick(route), route: route.name };
  }

  /** For a request naming a connector type: its connector, unless a route for its channel decides. */
  private byType(request: RouteRequest): RouteChoice | undefined {
    const route = this.routes.find((r) => matches(r.definition, request));
    if (route?.definition.channel !== undefined) return undefined;
    const type = request.connectorType!.toLowerCase();
    const ofType = this.connectorNames.filter((c) => this.typeOf(c)?.toLowerCase() === type);
    if (ofType.length === 0) return undefined;
    return { connector: ofType.find((c) => this.isUp(c)) ?? ofType[0]!, route: `type=${type}` };
  }

  /**
   * A connector chosen by the sender rather than the table (a campaign's): `(pinned)` is its route
   * name, which no route can have (parentheses are not allowed), so retries stay on it. Throws a
   * 400 naming the field for a connector the gateway does not have.
   */
  pinned(connector: string, field = 'to'): RouteChoice {
    if (!this.connectorNames.includes(connector)) {
      throw new ValidationError(`no connector named "${connector}"`, field, 'unknown_connector');
    }
    return { connector, route: PINNED_ROUTE };
  }

  /**
   * Where a message goes after a retryable failure on `failed`: the next connector of its failover
   * route that is up, or another weighted connector; undefined when there is none (it then waits
   * for its retry on the same route).
   */
  next(routeName: string | null, failed: string): string | undefined {
    const route = routeName === null ? undefined : this.byName.get(routeName);
    if (!route || route.connectors.length < 2) return undefined;
    if (route.definition.failover) {
      const start = route.connectors.indexOf(failed);
      for (let i = start + 1; i < route.connectors.length; i++) {
        if (this.isUp(route.connectors[i]!)) return route.connectors[i];
      }
      return undefined;
    }
    const others = route.connectors.filter((c) => c !== failed && this.isUp(c));
    if (others.length === 0) return undefined;
    return this.pick(route, new Set(others));
  }

  /** The connector a message on this route should use now (for a retry after backoff). */
  current(routeName: string | null, fallback: string): string {
    const route = routeName === null ? undefined : this.byName.get(routeName);
    return route ? this.pick(route) : fallback;
  }

  private pick(route: CompiledRoute, among?: ReadonlySet<string>): string {
    const allowed = (c: string) => (among ? among.has(c) : true) && this.isUp(c);
    const weights = route.definition.weighted;
    if (!weights) return route.connectors.find(allowed) ?? route.connectors[0]!;
    // Draw among the allowed connectors by weight; with none up, among all.
    const candidates = route.connectors.some(allowed) ? allowed : () => true;
    const total = weights.reduce((sum, w) => sum + (candidates(w.connector) ? w.weight : 0), 0);
    let draw = this.random() * total;
    for (const w of weights) {
      if (!candidates(w.connector)) continue;
      draw -= w.weight;
      if (draw < 0) return w.connector;
    }
    return weights.filter((w) => candidates(w.connector)).at(-1)!.connector;
  }
}

function matches(route: RouteDefinition, request: RouteRequest): boolean {
  if (route.prefix !== undefined && !request.to.startsWith(route.prefix)) return false;
  if (route.accountId !== undefined && route.accountId !== request.accountId) return false;
  if (route.channel !== undefined && route.channel.toLowerCase() !== request.channel?.toLowerCase())
    return false;
  if (route.sender !== undefined && route.sender !== request.sender) return false;
  return true;
}
