import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the request that wrote an outbox event (`{traceparent, tracestate?}`), published with it as
 * NATS headers. Nullable, no default: adding it rewrites nothing, and a row written with tracing off carries none.
 */
export class OutboxTraceContext1764230800801 implements MigrationInterface {
  public name = 'OutboxTraceContext1764230800801';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox_events ADD COLUMN trace_context jsonb`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox_events DROP COLUMN trace_context`);
  }
}
