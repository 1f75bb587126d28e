import type { FastifyInstance } from 'fastify';

/** One registered route: its method and Fastify's pattern. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

const lists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/**
 * Records every route registered on `app` from now on (HEAD routes Fastify adds for GETs left out).
 * Fastify has no list of its routes to read back; the OpenAPI test compares this one with the document.
 */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  lists.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
}

/** The routes registered on `app` since `recordRoutes` (complete once the app is ready). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return lists.get(app) ?? [];
}
