import type { AccountKind, LedgerCommand } from './ledger.types';

export interface SystemAccountSpec {
  code: string;
  kind: AccountKind;
  currency: string;
}

/** Provider names become part of account codes: keep them to a safe alphabet. */
export const PROVIDER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function gameSettlementAccount(provider: string, currency: string): SystemAccountSpec {
  return { code: `system:game:${provider}:${currency}`, kind: 'game_settlement', currency };
}

export function pspClearingAccount(provider: string, currency: string): SystemAccountSpec {
  return { code: `system:psp:${provider}:${currency}`, kind: 'psp_clearing', currency };
}

export function adjustmentAccount(currency: string): SystemAccountSpec {
  return { code: `system:adjustment:${currency}`, kind: 'adjustment', currency };
}

export function houseRevenueAccount(currency: string): SystemAccountSpec {
  return { code: `system:house:${currency}`, kind: 'house_revenue', currency };
}

/** The operator's bonus cost: pays every grant, takes back what is forfeited, expired or over a conversion cap. */
export function bonusCostAccount(currency: string): SystemAccountSpec {
  return { code: `system:bonus:${currency}`, kind: 'bonus_cost', currency };
}

/**
 * The system account a command posts against, or null when it needs none or it is only known from
 * data (a rollback reverses its original's entries; a capture pays out to its hold's provider).
 */
export function systemAccountFor(command: LedgerCommand): SystemAccountSpec | null {
  switch (command.type) {
    case 'deposit':
      return pspClearingAccount(command.provider, command.currency);
    case 'bet':
    case 'win':
      return gameSettlementAccount(command.provider, command.currency);
    case 'adjustment':
      return adjustmentAccount(command.currency);
    case 'bonus_grant':
    case 'bonus_convert':
    case 'bonus_forfeit':
    case 'bonus_expire':
      return bonusCostAccount(command.currency);
    case 'hold':
    case 'hold_capture':
    case 'hold_release':
    case 'rollback':
      return null;
  }
}
