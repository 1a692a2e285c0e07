import { processTracedJob } from '@casino/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '../../../config/app-config';
import { Hub88Overrides } from '../providers/hub88-overrides';
import { CatalogSyncService, type SyncReport } from './catalog-sync.service';

export const GAME_CATALOG_QUEUE = 'game-catalog';
export const SYNC_ALL_JOB = 'sync-all';
const SCHEDULER_ID = 'game-catalog-sync';

/** Runs the catalog sync jobs (one at a time per process). */
@Processor(GAME_CATALOG_QUEUE)
export class CatalogSyncProcessor extends WorkerHost {
  public constructor(private readonly sync: CatalogSyncService) {
    super();
  }

  public process(job: Job): Promise<SyncReport[]> {
    return processTracedJob(GAME_CATALOG_QUEUE, job, () => {
      if (job.name !== SYNC_ALL_JOB) throw new Error(`unknown job ${job.name}`);
      return this.sync.syncAll();
    });
  }
}

/** Schedules the sync: once at start, then every `GAME_CATALOG_SYNC_INTERVAL_SECONDS` (a repeatable job). */
@Injectable()
export class CatalogSyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogSyncScheduler.name);

  public constructor(
    @InjectQueue(GAME_CATALOG_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly overrides: Hub88Overrides,
  ) {}

  public async onApplicationBootstrap(): Promise<void> {
    await this.overrides.whenApplied();
    const seconds = this.config.GAME_CATALOG_SYNC_INTERVAL_SECONDS;
    if (seconds === 0) {
      await this.queue.removeJobScheduler(SCHEDULER_ID);
      return;
    }
    await this.queue.add(SYNC_ALL_JOB, {}, { attempts: 3, removeOnComplete: 100, removeOnFail: 100 });
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: seconds * 1000 },
      { name: SYNC_ALL_JOB, opts: { attempts: 3 } },
    );
    this.logger.log({ everySeconds: seconds }, 'game catalog sync scheduled');
  }
}
