/** Fixed-point scale of an exposure: SCALE means exactly at the threshold. */
export const EXPOSURE_SCALE = 1_000_000_000_000n;

/**
 * How much of the AML threshold (EUR 2,000 by default, 4AMLD Art. 11(d)) a player's deposits use,
 * summed over currencies as fractions of each currency's own threshold, so deposits in several
 * currencies are linked too. Rounds up, and a currency without a threshold counts as fully used:
 * the rule errs toward asking for KYC, never away from it.
 */
export function amlExposure(
  depositsByCurrency: ReadonlyMap<string, bigint>,
  thresholds: ReadonlyMap<string, bigint>,
): bigint {
  let exposure = 0n;
  for (const [currency, total] of depositsByCurrency) {
    if (total <= 0n) continue;
    const threshold = thresholds.get(currency) ?? 0n;
    if (threshold <= 0n) return EXPOSURE_SCALE;
    exposure += (total * EXPOSURE_SCALE + threshold - 1n) / threshold;
  }
  return exposure;
}

/** True when deposits including this one reach the threshold: verified KYC is needed first. */
export function reachesAmlThreshold(
  depositsByCurrency: ReadonlyMap<string, bigint>,
  amount: bigint,
  currency: string,
  thresholds: ReadonlyMap<string, bigint>,
): boolean {
  const withThis = new Map(depositsByCurrency);
  withThis.set(currency, (withThis.get(currency) ?? 0n) + amount);
  return amlExposure(withThis, thresholds) >= EXPOSURE_SCALE;
}
