/**
 * Hub88 wallet request bodies (reference §1), parsed from JSON without class-validator: unknown
 * extra fields are ignored (§2 "the operator must ignore unknown fields"), a missing required field
 * is RS_ERROR_WRONG_SYNTAX and a field of the wrong type RS_ERROR_WRONG_TYPES.
 */
export type Hub88ParseFailure = 'RS_ERROR_WRONG_SYNTAX' | 'RS_ERROR_WRONG_TYPES';

export class Hub88ParseError extends Error {
  public constructor(
    public readonly status: Hub88ParseFailure,
    public readonly field: string,
  ) {
    super(`${status}: ${field}`);
  }
}

export interface Hub88UserInfoRequest {
  user: string;
  requestUuid: string;
}

export interface Hub88BalanceRequest {
  user: string | null;
  requestUuid: string;
  token: string;
  gameCode: string | null;
}

export interface Hub88TransactionRequest {
  user: string;
  requestUuid: string;
  transactionUuid: string;
  supplierTransactionId: string | null;
  token: string;
  round: string | null;
  roundClosed: boolean;
  gameCode: string | null;
  meta: Record<string, unknown> | null;
}

export interface Hub88BetRequest extends Hub88TransactionRequest {
  gameCode: string;
  currency: string;
  amount: number;
  isFree: boolean;
  isSupplierPromo: boolean;
  rewardUuid: string | null;
  bet: string | null;
}

export interface Hub88WinRequest extends Hub88BetRequest {
  referenceTransactionUuid: string | null;
}

export interface Hub88RollbackRequest extends Hub88TransactionRequest {
  referenceTransactionUuid: string;
}

type Json = Record<string, unknown>;

/** Reads typed fields of one body, throwing Hub88ParseError with the field's name. */
class Fields {
  public constructor(private readonly body: Json) {}

  public string(name: string): string {
    const value = this.optionalString(name);
    if (value === null) throw new Hub88ParseError('RS_ERROR_WRONG_SYNTAX', name);
    return value;
  }

  public optionalString(name: string): string | null {
    const value = this.body[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new Hub88ParseError('RS_ERROR_WRONG_TYPES', name);
    if (value.length === 0 || value.length > 255) throw new Hub88ParseError('RS_ERROR_WRONG_TYPES', name);
    return value;
  }

  public boolean(name: string): boolean {
    const value = this.body[name];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw new Hub88ParseError('RS_ERROR_WRONG_TYPES', name);
    return value;
  }

  public integer(name: string): number {
    const value = this.body[name];
    if (value === undefined || value === null) throw new Hub88ParseError('RS_ERROR_WRONG_SYNTAX', name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new Hub88ParseError('RS_ERROR_WRONG_TYPES', name);
    }
    return value;
  }

  public object(name: string): Json | null {
    const value = this.body[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Hub88ParseError('RS_ERROR_WRONG_TYPES', name);
    return value as Json;
  }

  /** `round` is a string in the spec; some suppliers send a number, which is kept as its text. */
  public round(): string | null {
    const value = this.body['round'];
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    return this.optionalString('round');
  }
}

export function asJsonObject(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Hub88ParseError('RS_ERROR_WRONG_SYNTAX', 'body');
  }
  return body as Json;
}

/** The request_uuid to echo even when the rest of the body is refused. */
export function requestUuidOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Json)['request_uuid'];
  return typeof value === 'string' ? value : null;
}

export function parseUserInfo(body: unknown): Hub88UserInfoRequest {
  const fields = new Fields(asJsonObject(body));
  return { requestUuid: fields.string('request_uuid'), user: fields.string('user') };
}

export function parseBalance(body: unknown): Hub88BalanceRequest {
  const fields = new Fields(asJsonObject(body));
  return {
    requestUuid: fields.string('request_uuid'),
    user: fields.optionalString('user'),
    token: fields.string('token'),
    gameCode: fields.optionalString('game_code'),
  };
}

function transactionFields(fields: Fields): Hub88TransactionRequest {
  return {
    requestUuid: fields.string('request_uuid'),
    user: fields.string('user'),
    transactionUuid: fields.string('transaction_uuid'),
    supplierTransactionId: fields.optionalString('supplier_transaction_id'),
    token: fields.string('token'),
    round: fields.round(),
    roundClosed: fields.boolean('round_closed'),
    gameCode: fields.optionalString('game_code'),
    meta: fields.object('meta'),
  };
}

export function parseBet(body: unknown): Hub88BetRequest {
  const fields = new Fields(asJsonObject(body));
  return {
    ...transactionFields(fields),
    gameCode: fields.string('game_code'),
    currency: fields.string('currency'),
    amount: fields.integer('amount'),
    isFree: fields.boolean('is_free'),
    isSupplierPromo: fields.boolean('is_supplier_promo'),
    rewardUuid: fields.optionalString('reward_uuid'),
    bet: fields.optionalString('bet'),
  };
}

export function parseWin(body: unknown): Hub88WinRequest {
  const fields = new Fields(asJsonObject(body));
  const bet = parseBet(body);
  const reference = fields.optionalString('reference_transaction_uuid');
  if (reference === null && !bet.isSupplierPromo) {
    throw new Hub88ParseError('RS_ERROR_WRONG_SYNTAX', 'reference_transaction_uuid');
  }
  return { ...bet, referenceTransactionUuid: reference };
}

export function parseRollback(body: unknown): Hub88RollbackRequest {
  const fields = new Fields(asJsonObject(body));
  return { ...transactionFields(fields), referenceTransactionUuid: fields.string('reference_transaction_uuid') };
}
