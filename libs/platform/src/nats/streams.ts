import { EVENT_STREAMS, streamNameFor } from '@casino/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType, type NatsConnection } from 'nats';

const NANOS_PER_SECOND = 1_000_000_000;
const RETENTION_DAYS = 7;

export interface StreamSettings {
  subjectPrefix: string;
  duplicateWindowSeconds: number;
  streamReplicas: number;
}

/** Creates each event stream, or updates it to the wanted settings; safe to run from every instance. */
export async function ensureStreams(connection: NatsConnection, settings: StreamSettings): Promise<string[]> {
  const manager = await connection.jetstreamManager();
  const names: string[] = [];
  for (const stream of Object.values(EVENT_STREAMS)) {
    const name = streamNameFor(settings.subjectPrefix, stream);
    const config = {
      name,
      subjects: [`${settings.subjectPrefix}.${stream}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: RETENTION_DAYS * 24 * 3600 * NANOS_PER_SECOND,
      duplicate_window: settings.duplicateWindowSeconds * NANOS_PER_SECOND,
      num_replicas: settings.streamReplicas,
    };
    const exists = await manager.streams.info(name).then(
      () => true,
      () => false,
    );
    if (exists) {
      await manager.streams.update(name, config);
    } else {
      await manager.streams.add(config).catch(async (error: unknown) => {
        // Another instance created it between our look and our add.
        await manager.streams.info(name).catch(() => {
          throw error;
        });
      });
    }
    names.push(name);
  }
  return names;
}
