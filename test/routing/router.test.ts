import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RouteDefinition, routeSchema } from '../../src/routing/route-schema.js';
import { Router } from '../../src/routing/router.js';
import { prng } from '../helpers/prng.js';

const CONNECTORS = ['a', 'b', 'c'];
const routes = (...defs: unknown[]): RouteDefinition[] => defs.map((d) => routeSchema.parse(d));

describe('route table', () => {
  it('takes the longest matching prefix, then the most criteria, then the table order', () => {
    const router = new Router(
      routes(
        { connector: 'a' },
        { prefix: '+44', connector: 'b' },
        { prefix: '+4479', connector: 'c' },
        { prefix: '+44', accountId: 'acc_1', connector: 'c' },
        { prefix: '+44', channel: 'Clickatell', connector: 'a', name: 'by-channel' },
      ),
      CONNECTORS,
    );
    assert.deepEqual(router.resolve({ to: '+4479111' }), { connector: 'c', route: '+4479' });
    assert.deepEqual(router.resolve({ to: '+4420' }), { connector: 'b', route: '+44' });
    assert.deepEqual(router.resolve({ to: '+4420', accountId: 'acc_1' }), {
      connector: 'c',
      route: '+44/account=acc_1',
    });
    assert.deepEqual(router.resolve({ to: '+4420', channel: 'clickatell' }), {
      connector: 'a',
      route: 'by-channel',
    });
    assert.deepEqual(router.resolve({ to: '+33123' }), { connector: 'a', route: '*' });
  });

  it('refuses a destination nothing matches with no_route naming the field', () => {
    const router = new Router(routes({ prefix: '+44', connector: 'a' }), CONNECTORS);
    assert.throws(
      () => router.resolve({ to: '+33123', channel: 'grandcom' }, 'to[2]'),
      (error: { code?: string; field?: string; message: string }) =>
        error.code === 'no_route' &&
        error.field === 'to[2]' &&
        /no route for \+33123, channel grandcom/.test(error.message),
    );
  });

  it('sends everything to the first connector when there is no table at all', () => {
    assert.deepEqual(new Router([], CONNECTORS).resolve({ to: '+1555' }), {
      connector: 'a',
      route: 'default',
    });
  });

  it('matches the sender exactly and the channel without regard to case', () => {
    const router = new Router(
      routes({ sender: 'ACME', connector: 'b' }, { channel: 'sms', connector: 'c' }, { connector: 'a' }),
      CONNECTORS,
    );
    assert.equal(router.resolve({ to: '+1', sender: 'ACME' }).connector, 'b');
    assert.equal(router.resolve({ to: '+1', sender: 'acme' }).connector, 'a');
    assert.equal(router.resolve({ to: '+1', channel: 'SMS' }).connector, 'c');
  });

  it('a requested connector type takes the first connector of that type that is up, unless a channel route decides', () => {
    const types: Record<string, string> = { a: 'sim', b: 'grandcom', c: 'grandcom' };
    const up = new Set(['a', 'b', 'c']);
    const router = new Router(
      routes({ channel: 'smpp', connector: 'a', name: 'smpp-route' }, { prefix: '+44', connector: 'a' }),
      CONNECTORS,
      (c) => up.has(c),
      Math.random,
      (c) => types[c],
    );
    assert.deepEqual(router.resolve({ to: '+4420', channel: 'grandcom', connectorType: 'GrandCom' }), {
      connector: 'b',
      route: 'type=grandcom',
    });
    // Even where the table has no route for the destination.
    assert.equal(
      router.resolve({ to: '+33123', channel: 'grandcom', connectorType: 'grandcom' }).connector,
      'b',
    );
    up.delete('b');
    assert.equal(
      router.resolve({ to: '+4420', channel: 'grandcom', connectorType: 'grandcom' }).connector,
      'c',
    );
    // The route the message matches (the most specific) naming the channel wins over the type.
    assert.deepEqual(router.resolve({ to: '+33123', channel: 'smpp', connectorType: 'grandcom' }), {
      connector: 'a',
      route: 'smpp-route',
    });
    // No connector of the type: the table decides, as without one.
    assert.deepEqual(router.resolve({ to: '+4420', channel: 'clickatell', connectorType: 'clickatell' }), {
      connector: 'a',
      route: '+44',
    });
    assert.throws(
      () => router.resolve({ to: '+33123', channel: 'clickatell', connectorType: 'clickatell' }),
      /no route/,
    );
  });

  it('validates connectors, actions and names', () => {
    const router = new Router([], CONNECTORS);
    assert.throws(
      () => router.validate(routes({ failover: ['a', 'zz'] })),
      /routes\[0\] \(\*\) names unknown connector "zz"/,
    );
    assert.throws(
      () => router.validate(routes({ prefix: '+1', connector: 'a' }, { prefix: '+1', connector: 'b' })),
      /two routes are named "\+1"/,
    );
    assert.equal(routeSchema.safeParse({ connector: 'a', failover: ['b'] }).success, false);
    assert.equal(routeSchema.safeParse({ prefix: '44', connector: 'a' }).success, false);
    assert.equal(routeSchema.safeParse({}).success, false);
  });

  it('failover: the first connector that is up; next() walks the list after a failure and stops at its end', () => {
    const up = new Set(['a', 'b', 'c']);
    const router = new Router(routes({ name: 'f', failover: ['a', 'b', 'c'] }), CONNECTORS, (c) => up.has(c));
    assert.equal(router.resolve({ to: '+1' }).connector, 'a');
    assert.equal(router.next('f', 'a'), 'b');
    assert.equal(router.next('f', 'b'), 'c');
    assert.equal(router.next('f', 'c'), undefined);
    up.delete('a');
    assert.equal(router.resolve({ to: '+1' }).connector, 'b', 'a connector that is down is skipped');
    up.delete('b');
    assert.equal(router.next('f', 'a'), 'c');
    assert.equal(router.current('f', 'a'), 'c');
    up.clear();
    assert.equal(
      router.resolve({ to: '+1' }).connector,
      'a',
      'with every connector down, the first keeps its messages',
    );
    assert.equal(router.next('nope', 'a'), undefined);
    assert.equal(router.next(null, 'a'), undefined);
  });

  it('weighted: 10,000 draws split within 2 % of the weights; down connectors get none', () => {
    const up = new Set(['a', 'b', 'c']);
    const router = new Router(
      routes({
        name: 'w',
        weighted: [
          { connector: 'a', weight: 1 },
          { connector: 'b', weight: 3 },
          { connector: 'c', weight: 6 },
        ],
      }),
      CONNECTORS,
      (c) => up.has(c),
      prng(42),
    );
    const count = (n: number) => {
      const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
      for (let i = 0; i < n; i++) counts[router.resolve({ to: '+1' }).connector]!++;
      return counts;
    };
    const counts = count(10_000);
    assert.ok(Math.abs(counts.a! / 10_000 - 0.1) < 0.02, JSON.stringify(counts));
    assert.ok(Math.abs(counts.b! / 10_000 - 0.3) < 0.02, JSON.stringify(counts));
    assert.ok(Math.abs(counts.c! / 10_000 - 0.6) < 0.02, JSON.stringify(counts));
    up.delete('c');
    const without = count(4_000);
    assert.equal(without.c, 0);
    assert.ok(Math.abs(without.a! / 4_000 - 0.25) < 0.03, JSON.stringify(without));
    assert.notEqual(router.next('w', 'a'), 'a');
    assert.equal(router.next('w', 'a'), 'b', 'the only other connector that is up');
  });
});
