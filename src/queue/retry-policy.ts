/** How long to wait before the next attempt: exponential backoff with full jitter, capped. */
export function retryDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  // Half fixed, half random: retries spread out but never come back sooner than half the backoff.
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
