/**
 * Limits an admin set on an account, kept beside the limits in force: each is a ceiling that
 * someone who is not an admin (a partner, for the clients of its tenants) may tighten but neither
 * raise nor remove. A key is absent when no admin set that limit.
 */
export interface AdminLimits {
  readonly ratePerSecond?: number;
  readonly burst?: number;
  readonly monthlySegmentQuota?: number;
  readonly allowedSenders?: readonly string[];
  readonly prepaid?: true;
}

/** A `PATCH /v1/accounts/:id` `limits` body: undefined leaves a limit alone, null removes it. */
export interface LimitsChange {
  readonly ratePerSecond?: number | null | undefined;
  readonly burst?: number | null | undefined;
  readonly monthlySegmentQuota?: number | null | undefined;
  readonly allowedSenders?: readonly string[] | null | undefined;
  readonly prepaid?: boolean | undefined;
}

export function parseAdminLimits(text: string | null): AdminLimits {
  return text === null ? {} : (JSON.parse(text) as AdminLimits);
}

/** The ceilings after an admin's change: what the admin sets becomes the ceiling, null lifts it. */
export function withAdminChange(current: AdminLimits, change: LimitsChange): string | null {
  const next: Record<string, unknown> = { ...current };
  for (const key of ['ratePerSecond', 'burst', 'monthlySegmentQuota', 'allowedSenders'] as const) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (change.prepaid === true) next.prepaid = true;
  if (change.prepaid === false) delete next.prepaid;
  return Object.keys(next).length === 0 ? null : JSON.stringify(next);
}

/**
 * The first limit in `change` that would raise or remove an admin's ceiling, named as the request
 * names it (`limits.ratePerSecond` …); undefined when the change only tightens or touches limits
 * no admin set. With an admin's rate but no burst, the burst may not exceed what the admin's rate
 * allowed at once (its default, the rate rounded up).
 */
export function loosenedLimit(
  ceilings: AdminLimits,
  change: LimitsChange,
): { field: string; ceiling: string } | undefined {
  const number = (key: 'ratePerSecond' | 'monthlySegmentQuota', value: number | null | undefined) => {
    const ceiling = ceilings[key];
    if (ceiling === undefined || value === undefined) return undefined;
    return value === null || value > ceiling
      ? { field: `limits.${key}`, ceiling: String(ceiling) }
      : undefined;
  };
  const rate = number('ratePerSecond', change.ratePerSecond);
  if (rate) return rate;
  const burstCeiling =
    ceilings.burst ?? (ceilings.ratePerSecond === undefined ? undefined : Math.ceil(ceilings.ratePerSecond));
  const burst = change.burst;
  if (
    burstCeiling !== undefined &&
    burst !== undefined &&
    ((burst === null && ceilings.burst !== undefined) || (burst !== null && burst > burstCeiling))
  ) {
    return { field: 'limits.burst', ceiling: String(burstCeiling) };
  }
  const quota = number('monthlySegmentQuota', change.monthlySegmentQuota);
  if (quota) return quota;
  const senders = ceilings.allowedSenders;
  const wanted = change.allowedSenders;
  if (
    senders !== undefined &&
    wanted !== undefined &&
    (wanted === null || wanted.some((s) => !senders.includes(s)))
  ) {
    return { field: 'limits.allowedSenders', ceiling: senders.join(', ') };
  }
  if (ceilings.prepaid && change.prepaid === false) return { field: 'limits.prepaid', ceiling: 'prepaid' };
  return undefined;
}

/** The ceilings as the API shows them: the shape of `limits`, null (false) where no admin set one. */
export function ceilingsView(ceilings: AdminLimits) {
  return {
    ratePerSecond: ceilings.ratePerSecond ?? null,
    burst: ceilings.burst ?? null,
    monthlySegmentQuota: ceilings.monthlySegmentQuota ?? null,
    allowedSenders: ceilings.allowedSenders ?? null,
    prepaid: ceilings.prepaid === true,
  };
}
