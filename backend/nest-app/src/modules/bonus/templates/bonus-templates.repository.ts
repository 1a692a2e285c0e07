import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { BonusTemplate } from './bonus-template.types';

interface TemplateRow {
  id: string;
  name: string;
  kind: BonusTemplate['kind'];
  product_type: BonusTemplate['productType'];
  currency: string;
  match_percent: number | null;
  max_bonus: string | null;
  min_deposit: string | null;
  amount: string | null;
  provider_code: string | null;
  game_code: string | null;
  spin_count: number | null;
  spin_value: string | null;
  cashback_percent: number | null;
  period_days: number | null;
  wagering_multiplier: number;
  game_weights: Record<string, number>;
  default_weight: number;
  max_bet: string;
  validity_days: number;
  max_conversion: string | null;
  eligible_countries: string[];
  opt_in: boolean;
  created_by: string;
  created_at: Date;
  retired_at: Date | null;
}

const COLUMNS = `id, name, kind, product_type, currency, match_percent, max_bonus::text, min_deposit::text, amount::text,
  provider_code, game_code, spin_count, spin_value::text, cashback_percent, period_days, wagering_multiplier, game_weights, default_weight, max_bet::text, validity_days, max_conversion::text,
  eligible_countries, opt_in, created_by, created_at, retired_at`;

/** Bonus templates: inserted once, read, retired; never updated in their terms. */
@Injectable()
export class BonusTemplatesRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async insert(manager: EntityManager, template: BonusTemplate): Promise<void> {
    await manager.query(
      `INSERT INTO bonus_templates (id, name, kind, product_type, currency, match_percent, max_bonus, min_deposit,
         amount, wagering_multiplier, game_weights, default_weight, max_bet, validity_days, max_conversion,
         eligible_countries, opt_in, created_by, created_at, provider_code, game_code, spin_count, spin_value,
         cashback_percent, period_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17, $18, $19,
         $20, $21, $22, $23, $24, $25)`,
      [
        template.id,
        template.name,
        template.kind,
        template.productType,
        template.currency,
        template.matchPercent ?? null,
        template.maxBonus?.toString() ?? null,
        template.minDeposit?.toString() ?? null,
        template.amount?.toString() ?? null,
        template.wageringMultiplier,
        JSON.stringify(template.gameWeights),
        template.defaultWeight,
        template.maxBet.toString(),
        template.validityDays,
        template.maxConversion?.toString() ?? null,
        template.eligibleCountries,
        template.optIn,
        template.createdBy,
        template.createdAt,
        template.providerCode ?? null,
        template.gameCode ?? null,
        template.spinCount ?? null,
        template.spinValue?.toString() ?? null,
        template.cashbackPercent ?? null,
        template.periodDays ?? null,
      ],
    );
  }

  public async findById(id: string): Promise<BonusTemplate | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM bonus_templates WHERE id = $1`, [
      id,
    ])) as TemplateRow[];
    return rows[0] ? toTemplate(rows[0]) : null;
  }

  public async listActive(): Promise<BonusTemplate[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM bonus_templates WHERE retired_at IS NULL ORDER BY created_at DESC, id LIMIT 500`,
    )) as TemplateRow[];
    return rows.map(toTemplate);
  }

  /** Retires a template; answers false when it does not exist or was already retired. */
  public async retire(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE bonus_templates SET retired_at = $2 WHERE id = $1 AND retired_at IS NULL`,
      [id, at],
    )) as [unknown, number];
    return count === 1;
  }
}

function toTemplate(row: TemplateRow): BonusTemplate {
  const big = (value: string | null): bigint | undefined => (value === null ? undefined : BigInt(value));
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    productType: row.product_type,
    currency: row.currency.trim(),
    ...(row.match_percent === null ? {} : { matchPercent: row.match_percent }),
    ...(row.max_bonus === null ? {} : { maxBonus: big(row.max_bonus) }),
    ...(row.min_deposit === null ? {} : { minDeposit: big(row.min_deposit) }),
    ...(row.amount === null ? {} : { amount: big(row.amount) }),
    ...(row.provider_code === null ? {} : { providerCode: row.provider_code }),
    ...(row.game_code === null ? {} : { gameCode: row.game_code }),
    ...(row.spin_count === null ? {} : { spinCount: row.spin_count }),
    ...(row.spin_value === null ? {} : { spinValue: big(row.spin_value) }),
    ...(row.cashback_percent === null ? {} : { cashbackPercent: row.cashback_percent }),
    ...(row.period_days === null ? {} : { periodDays: row.period_days }),
    wageringMultiplier: row.wagering_multiplier,
    gameWeights: row.game_weights,
    defaultWeight: row.default_weight,
    maxBet: BigInt(row.max_bet),
    validityDays: row.validity_days,
    ...(row.max_conversion === null ? {} : { maxConversion: big(row.max_conversion) }),
    eligibleCountries: row.eligible_countries,
    optIn: row.opt_in,
    createdBy: row.created_by,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}
