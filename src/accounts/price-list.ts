import { ForbiddenError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { listPrices, type PriceRow } from '../store/queries/prices.js';

/** Money in the API is decimal currency units; the store keeps integer millionths. */
export const MICROS = 1_000_000;

/** The price of a segment per destination prefix (longest prefix wins), read once and on change. */
export class PriceList {
  private prices: PriceRow[] | undefined;

  constructor(private readonly store: Store) {}

  async load(): Promise<PriceRow[]> {
    if (!this.prices) {
      this.prices = (await listPrices(this.store)).sort((a, b) => b.prefix.length - a.prefix.length);
    }
    return this.prices;
  }

  /** Forgets the cached list (after it was replaced). */
  invalidate(): void {
    this.prices = undefined;
  }

  /**
   * What sending `segments` segments to each destination costs, in micros; throws 403 naming the
   * recipient field when a destination has no price (a prepaid account cannot send there):
   * `recipient(i)` when given (a dialect's own naming), else `field` or `field[i]`.
   */
  async cost(
    destinations: readonly string[],
    segments: number,
    field: string,
    recipient?: (index: number) => string,
  ): Promise<number> {
    const prices = await this.load();
    let total = 0;
    destinations.forEach((to, i) => {
      const price = prices.find((p) => to.startsWith(p.prefix));
      if (!price) {
        const name = recipient ? recipient(i) : destinations.length === 1 ? field : `${field}[${i}]`;
        throw new ForbiddenError(
          `${name} ${to} has no price, so a prepaid account cannot send there`,
          'no_price',
          name,
        );
      }
      total += price.price_micros * segments;
    });
    return total;
  }
}
