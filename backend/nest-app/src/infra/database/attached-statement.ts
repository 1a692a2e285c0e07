/**
 * Set-based writes an attachment adds to the ledger's own insert statement, so that they cost the batch no round
 * trip of their own (the batch is the platform's one serial section, ADR 0011). `ctes` are common table
 * expressions (`name AS (...)`, names prefixed by their module) numbered in their own parameters: `$1` is
 * `values[0]`. `output` is one SQL expression over them whose value comes back to the writer's `finish`.
 */
export interface AttachedStatement {
  /** Names the shape of `ctes` and `output`: part of the combined statement's prepared name. */
  key: string;
  ctes: string;
  values: unknown[];
  output: string;
  /**
   * What the writer's `finish` checks, as a SQL condition over `ctes`. With it the ledger may run the batch as one
   * statement in a transaction of its own, with no `finish`: the statement aborts, and nothing stays written,
   * when the condition is false.
   */
  mustHold?: string;
}

/**
 * Fragments placed after `offset` parameters of a statement: each one's CTEs and output renumbered to follow the
 * values of those before it.
 */
export function placeFragments(
  parts: AttachedStatement[],
  offset: number,
): { ctes: string[]; outputs: string[]; conditions: string[]; values: unknown[] } {
  const ctes: string[] = [];
  const outputs: string[] = [];
  const conditions: string[] = [];
  let next = offset;
  for (const part of parts) {
    ctes.push(renumberParameters(part.ctes, next));
    outputs.push(renumberParameters(part.output, next));
    if (part.mustHold !== undefined) conditions.push(`(${renumberParameters(part.mustHold, next)})`);
    next += part.values.length;
  }
  return { ctes, outputs, conditions, values: parts.flatMap((part) => part.values) };
}

/** Several fragments as one: their CTEs side by side, their outputs as one JSON array. */
export function combineAttached(key: string, parts: AttachedStatement[]): AttachedStatement {
  const { ctes, outputs, conditions, values } = placeFragments(parts, 0);
  return {
    key: `${key}(${parts.map((part) => part.key).join(',')})`,
    ctes: ctes.join(',\n'),
    values,
    output: `json_build_array(${outputs.join(', ')})`,
    ...(conditions.length > 0 ? { mustHold: conditions.join(' AND ') } : {}),
  };
}

/** `$n` becomes `$(n + offset)`; the fragments hold no other dollar signs (no dollar-quoted text). */
export function renumberParameters(sql: string, offset: number): string {
  if (offset === 0) return sql;
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
