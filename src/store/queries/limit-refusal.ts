/**
 * The store refused a unit because its account's balance or quota no longer covers it: another
 * node (or a request this node had not seen) took it first. Nothing of the transaction is stored.
 */
export class LimitRefusal extends Error {
  constructor(
    readonly accountId: string,
    readonly limit: 'balance' | 'quota',
  ) {
    super(`the store refused the ${limit} of account ${accountId}`);
  }
}
