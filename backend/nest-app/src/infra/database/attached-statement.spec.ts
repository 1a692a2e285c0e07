import { combineAttached, renumberParameters } from './attached-statement';

describe('attached statements', () => {
  it('renumbers every parameter by the offset, leaving the rest of the text alone', () => {
    expect(renumberParameters('SELECT $1::uuid[], $2, $10 FROM t WHERE a = $1', 23)).toBe(
      'SELECT $24::uuid[], $25, $33 FROM t WHERE a = $24',
    );
    expect(renumberParameters('SELECT $1', 0)).toBe('SELECT $1');
  });

  it('combines fragments in order, each numbered after the values of those before it', () => {
    const combined = combineAttached('both', [
      { key: 'a', ctes: 'a_in AS (SELECT $1::int AS x, $2::int AS y)', values: [1, 2], output: '(SELECT x FROM a_in)' },
      { key: 'b', ctes: 'b_in AS (SELECT $1::int AS z)', values: [3], output: '(SELECT z + $1 FROM b_in)' },
    ]);
    expect(combined.key).toBe('both(a,b)');
    expect(combined.ctes).toBe('a_in AS (SELECT $1::int AS x, $2::int AS y),\nb_in AS (SELECT $3::int AS z)');
    expect(combined.values).toEqual([1, 2, 3]);
    expect(combined.output).toBe('json_build_array((SELECT x FROM a_in), (SELECT z + $3 FROM b_in))');
  });
});
