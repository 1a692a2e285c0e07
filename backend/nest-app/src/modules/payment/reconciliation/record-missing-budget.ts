/** Called once per provider, when a run first refuses it: `canceled` is how many the run canceled as missing. */
export type RecordMissingHalt = (provider: string, canceled: number) => Promise<void>;

/**
 * One run's allowance of open deposits canceled here only because their provider has no payment for them, per
 * provider. A provider answering "no such payment" for every open deposit is more likely a wrong key or account than
 * lost payments, so past `limit` the run refuses the rest: they stay open for a later run.
 */
export class RecordMissingBudget {
  private readonly canceled = new Map<string, number>();
  private readonly halted = new Set<string>();

  public constructor(
    private readonly limit: number,
    private readonly onHalt: RecordMissingHalt,
  ) {}

  /** True when one more deposit of `provider` may be canceled as missing in this run (and counts it). */
  public async take(provider: string): Promise<boolean> {
    if (this.halted.has(provider)) return false;
    const used = this.canceled.get(provider) ?? 0;
    if (used < this.limit) {
      this.canceled.set(provider, used + 1);
      return true;
    }
    this.halted.add(provider);
    await this.onHalt(provider, used);
    return false;
  }
}
