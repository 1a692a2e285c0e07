import { DomainError } from '@casino/contracts';

/** Nesting deeper than this is refused unless the app sets its own limit (API_MAX_JSON_DEPTH). */
export const DEFAULT_MAX_INPUT_DEPTH = 32;

export type HostileInputProblem = 'nul_character' | 'too_deep';

/**
 * What makes a decoded request value unfit to reach a handler: a NUL character in any string or key (PostgreSQL's
 * text cannot store one, so it would end as a 500 deep inside a query) or nesting deeper than `maxDepth` (the
 * validation pipe and class-transformer recurse, and a few thousand levels overflow their stack). The walk itself is
 * iterative and stops at the first problem, so a hostile value costs at most one pass over what was parsed.
 */
export function hostileInputProblem(value: unknown, maxDepth: number): HostileInputProblem | null {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return 'nul_character';
      continue;
    }
    // Bytes kept as bytes (a proxied or signed body) are not decoded values: nothing of them reaches a query.
    if (typeof current !== 'object' || current === null || ArrayBuffer.isView(current)) continue;
    if (next.depth >= maxDepth) return 'too_deep';
    const entries = Array.isArray(current) ? current : Object.entries(current as Record<string, unknown>);
    for (const entry of entries) {
      if (Array.isArray(current)) {
        pending.push({ value: entry, depth: next.depth + 1 });
        continue;
      }
      const [key, child] = entry as [string, unknown];
      if (key.includes('\u0000')) return 'nul_character';
      pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return null;
}

/** The API's refusal of a hostile value found in `part` of the request. */
export function hostileInputError(problem: HostileInputProblem, part: string, maxDepth: number): DomainError {
  return problem === 'nul_character'
    ? new DomainError('INPUT_NUL_CHARACTER', `The request ${part} contains a NUL character`, { part })
    : new DomainError('INPUT_TOO_DEEP', `The request ${part} is nested deeper than ${maxDepth} levels`, {
        part,
        maxDepth,
      });
}
