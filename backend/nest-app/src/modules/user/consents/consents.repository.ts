import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel, ConsentKind, Topic } from './consent-types';

export interface ConsentRecord {
  kind: ConsentKind;
  version: string;
  granted: boolean;
  ip: string | null;
  userAgent: string | null;
  recordedAt: Date;
}

export interface Preference {
  channel: Channel;
  topic: Topic;
  enabled: boolean;
}

/** Consents (append-only) and notification preferences of a user. */
@Injectable()
export class ConsentsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async latest(userId: string): Promise<ConsentRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (kind) kind, version, granted, host(ip) AS ip, user_agent, recorded_at
       FROM user_consents WHERE user_id = $1 ORDER BY kind, id DESC`,
      [userId],
    )) as {
      kind: ConsentKind;
      version: string;
      granted: boolean;
      ip: string | null;
      user_agent: string | null;
      recorded_at: Date;
    }[];
    return rows.map((row) => ({
      kind: row.kind,
      version: row.version,
      granted: row.granted,
      ip: row.ip,
      userAgent: row.user_agent,
      recordedAt: row.recorded_at,
    }));
  }

  public async append(manager: EntityManager, userId: string, consent: ConsentRecord): Promise<void> {
    await manager.query(
      `INSERT INTO user_consents (user_id, kind, version, granted, ip, user_agent, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [userId, consent.kind, consent.version, consent.granted, consent.ip, consent.userAgent, consent.recordedAt],
    );
  }

  public async preferences(userId: string): Promise<Preference[]> {
    return (await this.dataSource.query(
      `SELECT channel, topic, enabled FROM user_notification_preferences WHERE user_id = $1`,
      [userId],
    )) as Preference[];
  }

  public async savePreferences(userId: string, preferences: Preference[], at: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const preference of preferences) {
        await manager.query(
          `INSERT INTO user_notification_preferences (user_id, channel, topic, enabled, updated_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (user_id, channel, topic) DO UPDATE SET enabled = $4, updated_at = $5`,
          [userId, preference.channel, preference.topic, preference.enabled, at],
        );
      }
    });
  }
}
