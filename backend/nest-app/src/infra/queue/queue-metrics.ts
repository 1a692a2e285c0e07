import { QUEUE_NAMES } from '@casino/contracts';
import { scrapedGauge } from '@casino/platform';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobType, Queue } from 'bullmq';

/** `failed` holds jobs that used up their attempts (the dead letters), kept as long as the queue's `removeOnFail`. */
const STATES: JobType[] = ['waiting', 'active', 'delayed', 'failed'];

/** `bullmq_queue_jobs{queue,state}`: every queue of the contracts registry, counted in Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(QueueMetrics.name);
  private dispose?: () => void;

  public constructor(private readonly moduleRef: ModuleRef) {}

  public onModuleInit(): void {
    const queues = QUEUE_NAMES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.dispose = scrapedGauge({
      name: 'bullmq_queue_jobs',
      help: 'BullMQ jobs by queue and state (waiting, active, delayed, failed: attempts used up)',
      labelNames: ['queue', 'state'],
      onError: (error) => this.logger.debug({ err: error }, 'queue depths not read'),
      read: async (gauge) => {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...STATES)));
        counts.forEach((count, index) => {
          for (const state of STATES) gauge.set({ queue: queues[index]?.name ?? '', state }, count[state] ?? 0);
        });
      },
    }).dispose;
  }

  public onModuleDestroy(): void {
    this.dispose?.();
  }
}
