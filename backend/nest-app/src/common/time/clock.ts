import { Injectable } from '@nestjs/common';

/** The time, injectable so that tests can move it (cooling-off periods, expiries). */
export abstract class Clock {
  public abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  public now(): Date {
    return new Date();
  }
}

/** A clock a test sets and advances by hand. */
export class ManualClock extends Clock {
  public constructor(private current: Date = new Date()) {
    super();
  }

  public now(): Date {
    return new Date(this.current.getTime());
  }

  public set(date: Date): void {
    this.current = new Date(date.getTime());
  }

  public advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
