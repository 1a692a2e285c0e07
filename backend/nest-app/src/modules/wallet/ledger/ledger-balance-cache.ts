const MAX_CACHED = 100_000;

/**
 * The last balance this process saw committed for each player account (cash, bonus, held). Never trusted on its
 * own: a batch that starts from these figures runs as one statement that locks the accounts and aborts unless
 * every one still holds exactly the figure cached (ADR 0011, fifth pass). A stale figure costs a second attempt
 * under lock, never a wrong balance. Bounded, oldest out first.
 */
export class LedgerBalanceCache {
  private readonly balances = new Map<string, bigint>();

  /** Every account's figure, or null when any is unknown. */
  public figuresOf(accountIds: string[]): Map<string, bigint> | null {
    const figures = new Map<string, bigint>();
    for (const id of accountIds) {
      const balance = this.balances.get(id);
      if (balance === undefined) return null;
      figures.set(id, balance);
    }
    return figures;
  }

  /** Figures as committed by this process (read under lock, or written by a batch that committed). */
  public remember(figures: Iterable<[string, bigint]>): void {
    for (const [id, balance] of figures) {
      this.balances.delete(id);
      if (this.balances.size >= MAX_CACHED) {
        const oldest = this.balances.keys().next().value;
        if (oldest !== undefined) this.balances.delete(oldest);
      }
      this.balances.set(id, balance);
    }
  }

  public forget(accountIds: Iterable<string>): void {
    for (const id of accountIds) this.balances.delete(id);
  }
}
