/** Called once per provider, when a run first refuses it: `taken` is how many the run canceled or reported. */
export type RecordMissingHalt = (provider: string, taken: number) => Promise<void>;

/**
 * One run's allowance, per provider, of open intents acted on only because their provider has no record of them
 * (deposits canceled here by the expiry, intents reported by reconciliation's follow). A provider answering "no such
 * payment" for every open intent is more likely a wrong key or account than lost payments, so past `limit` the run
 * refuses the rest: they stay as they are for a later run.
 */
export class RecordMissingBudget {
  private readonly taken = new Map<string, number>();
  private readonly halted = new Set<string>();

  public constructor(
    private readonly limit: number,
    private readonly onHalt: RecordMissingHalt,
  ) {}

  /** True when one more intent of `provider` may be acted on as missing in this run (and counts it). */
  public async take(provider: string): Promise<boolean> {
    if (this.halted.has(provider)) return false;
    const used = this.taken.get(provider) ?? 0;
    if (used < this.limit) {
      this.taken.set(provider, used + 1);
      return true;
    }
    this.halted.add(provider);
    await this.onHalt(provider, used);
    return false;
  }
}
