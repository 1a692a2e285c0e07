/** A provider a run stopped asking, and what that left for the next run. */
export interface ProviderOutage {
  provider: string;
  /** Reads in a row the provider did not answer. */
  unanswered: number;
  /** Intents of that provider the run then left without asking. */
  skipped: number;
}

/**
 * One run's tally of each provider's answers. After `limit` reads in a row that a provider did not answer (timeout,
 * network error, 5xx…), the run stops asking it: every further read would wait through the SDK's retries for nothing.
 * Any answer (a 404 included) starts the count again.
 */
export class ProviderOutageBreaker {
  private readonly unansweredInARow = new Map<string, number>();
  private readonly givenUp = new Map<string, number>();

  public constructor(private readonly limit: number) {}

  /** False once the run gave up on the provider. */
  public admits(provider: string): boolean {
    return !this.givenUp.has(provider);
  }

  public recordAnswer(provider: string, answered: boolean): void {
    if (answered) {
      this.unansweredInARow.delete(provider);
      return;
    }
    const unanswered = (this.unansweredInARow.get(provider) ?? 0) + 1;
    this.unansweredInARow.set(provider, unanswered);
    if (unanswered >= this.limit && !this.givenUp.has(provider)) this.givenUp.set(provider, 0);
  }

  /** Counts an intent of a provider given up on, left for the next run. */
  public recordSkipped(provider: string): void {
    this.givenUp.set(provider, (this.givenUp.get(provider) ?? 0) + 1);
  }

  public outages(): ProviderOutage[] {
    return [...this.givenUp].map(([provider, skipped]) => ({
      provider,
      unanswered: this.unansweredInARow.get(provider) ?? 0,
      skipped,
    }));
  }
}
