/** Parsing of the action-batch protocol's `/play` body; unknown fields are ignored. */
export type ActionKind = 'bet' | 'win' | 'rollback';

export interface PlayAction {
  action: ActionKind;
  actionId: string;
  amount: number | null;
  originalActionId: string | null;
}

export interface PlayRequest {
  sessionId: string;
  userId: string;
  currency: string;
  game: string;
  round: string | null;
  finished: boolean;
  actions: PlayAction[];
}

export class ActionsParseError extends Error {}

const MAX_ACTIONS = 50;

function text(body: Record<string, unknown>, name: string, required: boolean): string | null {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new ActionsParseError(`${name} is required`);
    return null;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || value.length === 0 || value.length > 150)
    throw new ActionsParseError(`${name} must be a string`);
  return value;
}

function action(item: unknown): PlayAction {
  if (typeof item !== 'object' || item === null) throw new ActionsParseError('actions must be objects');
  const body = item as Record<string, unknown>;
  const kind = body['action'];
  if (kind !== 'bet' && kind !== 'win' && kind !== 'rollback') throw new ActionsParseError('unknown action');
  const amount = body['amount'];
  if (kind !== 'rollback' && (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)) {
    throw new ActionsParseError('amount must be a non-negative integer of minor units');
  }
  const originalActionId = text(body, 'original_action_id', kind === 'rollback');
  return {
    action: kind,
    actionId: text(body, 'action_id', true) ?? '',
    amount: kind === 'rollback' ? null : (amount as number),
    originalActionId,
  };
}

export function parsePlay(raw: unknown): PlayRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ActionsParseError('body must be an object');
  const body = raw as Record<string, unknown>;
  const actions = body['actions'] ?? [];
  if (!Array.isArray(actions) || actions.length > MAX_ACTIONS) throw new ActionsParseError('actions must be an array');
  const finished = body['finished'];
  if (finished !== undefined && finished !== null && typeof finished !== 'boolean')
    throw new ActionsParseError('finished must be boolean');
  return {
    sessionId: text(body, 'session_id', true) ?? '',
    userId: text(body, 'user_id', true) ?? '',
    currency: text(body, 'currency', true) ?? '',
    game: text(body, 'game', true) ?? '',
    round: text(body, 'game_id', false),
    finished: finished === true,
    actions: actions.map(action),
  };
}
