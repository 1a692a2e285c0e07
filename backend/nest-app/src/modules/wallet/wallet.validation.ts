import { CURRENCY_CODE_PATTERN, DomainError } from '@casino/contracts';
import type {
  AdjustCommandInput,
  BetCommandInput,
  BonusGrantCommandInput,
  BonusMoneyCommandType,
  BonusReleaseCommandInput,
  DepositCommandInput,
  HoldCommandInput,
  Idempotency,
  ResolveHoldCommandInput,
  RollbackCommandInput,
  WalletRef,
  WinCommandInput,
} from './ledger/ledger.types';
import { PROVIDER_PATTERN } from './ledger/system-accounts';
import { isUuid } from './wallet.directory';

const MAX_MINOR = 9223372036854775807n;
const MAX_KEY_LENGTH = 200;
const MAX_METADATA_FIELDS = 20;
const MAX_METADATA_VALUE = 200;

type Problems = { field: string; problems: string[] }[];

/** Checks the shape of a command's input (types, formats, lengths); the ledger decides the rest. */
class InputCheck {
  private readonly problems: Problems = [];

  public check(condition: boolean, field: string, problem: string): this {
    if (!condition) this.problems.push({ field, problems: [problem] });
    return this;
  }

  public idempotency(idempotency: Idempotency, field = 'idempotency'): this {
    const valid = (value: unknown): boolean =>
      typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_LENGTH;
    return this.check(valid(idempotency?.scope), `${field}.scope`, 'must be 1 to 200 characters').check(
      valid(idempotency?.key),
      `${field}.key`,
      'must be 1 to 200 characters',
    );
  }

  public amount(amount: unknown, field = 'amount'): this {
    const ok = typeof amount === 'bigint' && amount <= MAX_MINOR && amount >= -MAX_MINOR;
    return this.check(ok, field, 'must be a bigint of minor units');
  }

  public walletRef(wallet: WalletRef, currency: string): this {
    const id = wallet && 'walletId' in wallet ? wallet.walletId : wallet?.userId;
    return this.check(typeof id === 'string' && isUuid(id), 'wallet', 'must name a wallet or user by UUID').check(
      typeof currency === 'string' && CURRENCY_CODE_PATTERN.test(currency),
      'currency',
      'must be an ISO 4217 code',
    );
  }

  public provider(provider: string): this {
    return this.check(
      typeof provider === 'string' && PROVIDER_PATTERN.test(provider),
      'provider',
      'must match [a-z0-9_-]',
    );
  }

  public metadata(metadata: Record<string, string> | undefined): this {
    if (metadata === undefined) return this;
    const entries = typeof metadata === 'object' && metadata !== null ? Object.entries(metadata) : null;
    const ok =
      entries !== null &&
      entries.length <= MAX_METADATA_FIELDS &&
      entries.every(([, value]) => typeof value === 'string' && value.length <= MAX_METADATA_VALUE);
    return this.check(ok, 'metadata', 'must be at most 20 string fields of at most 200 characters');
  }

  public done(): void {
    if (this.problems.length > 0) {
      throw new DomainError('VALIDATION_FAILED', 'The wallet command is invalid', { fields: this.problems });
    }
  }
}

function moneyCommand(input: DepositCommandInput | HoldCommandInput | BetCommandInput | WinCommandInput): InputCheck {
  return new InputCheck()
    .idempotency(input.idempotency)
    .walletRef(input.wallet, input.currency)
    .amount(input.amount)
    .provider(input.provider)
    .metadata(input.metadata);
}

export function validateDeposit(input: DepositCommandInput): void {
  moneyCommand(input).done();
}

export function validateHoldFunds(input: HoldCommandInput): void {
  moneyCommand(input).done();
}

export function validatePlaceBet(input: BetCommandInput): void {
  moneyCommand(input)
    .check(
      input.funding === undefined || input.funding === 'cash_first' || input.funding === 'bonus_only',
      'funding',
      'must be cash_first or bonus_only',
    )
    .done();
}

export function validateSettleWin(input: WinCommandInput): void {
  moneyCommand(input).done();
}

function validateResolveHold(input: ResolveHoldCommandInput): void {
  new InputCheck()
    .idempotency(input.idempotency)
    .check(typeof input.holdId === 'string' && isUuid(input.holdId), 'holdId', 'must be a UUID')
    .metadata(input.metadata)
    .done();
}

export const validateCaptureHold = validateResolveHold;
export const validateReleaseHold = validateResolveHold;

export function validateRollback(input: RollbackCommandInput): void {
  const check = new InputCheck().idempotency(input.idempotency).metadata(input.metadata);
  if (input.target && 'transactionId' in input.target) {
    check.check(isUuid(String(input.target.transactionId)), 'target.transactionId', 'must be a UUID');
  } else {
    check.idempotency(input.target?.idempotency, 'target.idempotency');
  }
  check.done();
}

export function validateAdjust(input: AdjustCommandInput): void {
  new InputCheck()
    .idempotency(input.idempotency)
    .walletRef(input.wallet, input.currency)
    .amount(input.amount)
    .metadata(input.metadata)
    .check(
      typeof input.reason === 'string' && input.reason.trim().length > 0 && input.reason.length <= 500,
      'reason',
      'must be 1 to 500 characters',
    )
    .check(
      input.balance === undefined || input.balance === 'cash' || input.balance === 'bonus',
      'balance',
      'must be cash or bonus',
    )
    .check(typeof input.actor?.userId === 'string', 'actor', 'must name the staff member')
    .done();
}

export function validateBonusMoney(
  type: BonusMoneyCommandType,
  input: BonusGrantCommandInput | BonusReleaseCommandInput,
): void {
  const check = new InputCheck()
    .idempotency(input.idempotency)
    .walletRef(input.wallet, input.currency)
    .metadata(input.metadata);
  if (type === 'bonus_grant') check.amount((input as BonusGrantCommandInput).amount);
  const cap = (input as BonusReleaseCommandInput).maxConversion;
  if (cap !== undefined)
    check.amount(cap, 'maxConversion').check(type === 'bonus_convert', 'maxConversion', 'only for a conversion');
  check.done();
}
