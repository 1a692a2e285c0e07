import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactJobData } from './job-data-redaction';
import { QUEUE_BOARD_PATH, QueueBoardTicketService } from './queue-board-ticket.service';

const REFUSALS = {
  unauthenticated: { status: 401, code: 'UNAUTHENTICATED', message: 'Open the queue board from the back office' },
  forbidden: { status: 403, code: 'FORBIDDEN', message: 'The queue board needs the queues.view permission' },
  readOnly: { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'The queue board is read-only' },
} as const;

/**
 * Bull Board at /admin/queues/ over the given queues (the contracts registry's and nest-app's own), read-only (no retry, clean, promote or
 * delete: `queues.manage` does not exist, ADR 0027), each request checked against the staff ticket cookie.
 */
export async function mountQueueBoard(app: NestFastifyApplication, queueNames: readonly string[]): Promise<void> {
  const tickets = app.get(QueueBoardTicketService);
  const queues = queueNames.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const serverAdapter = new FastifyAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => readOnlyAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Casino queues', hideRedisDetails: true } },
  });
  const instance = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await instance.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const outcome = await tickets.check(request.headers.cookie);
      // Read-only twice over: the adapters refuse actions, and no write method reaches them (no audit needed).
      if (outcome === 'ok' && (request.method === 'GET' || request.method === 'HEAD')) return;
      const refusal = REFUSALS[outcome === 'ok' ? 'readOnly' : outcome];
      await reply
        .status(refusal.status)
        .header('cache-control', 'no-store')
        .send({ error: { code: refusal.code, message: refusal.message }, requestId: request.id });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}

function readOnlyAdapter(queue: Queue): BullMQAdapter {
  const adapter = new BullMQAdapter(queue, { readOnlyMode: true });
  adapter.setFormatter('data', (data: unknown) => redactJobData(data));
  adapter.setFormatter('returnValue', (value: unknown) => redactJobData(value));
  return adapter;
}
