const METRIC_NAME = /\b(?:[a-z][a-z0-9]*_)+(?:total|seconds|seconds_count|events|up|jobs|draining)\b|\bup\b/g;

/**
 * The metric names the `expr` of an alert rules file reads (quoted label values and comments left out), for a test
 * that checks each against what the apps expose. Histogram series (`_count`, `_sum`, `_bucket`) give their metric.
 */
export function alertMetricNames(rulesYaml: string): string[] {
  const names = new Set<string>();
  let inExpr = false;
  for (const raw of rulesYaml.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').replace(/'[^']*'|"[^"]*"/g, '');
    if (/^\s+(-\s+)?(alert|record|for|labels|annotations):/.test(line)) inExpr = false;
    if (/^\s+expr:/.test(line)) inExpr = true;
    if (!inExpr) continue;
    for (const [name] of line.replace(/^\s+expr:/, '').matchAll(METRIC_NAME)) {
      names.add(name.replace(/_(count|sum|bucket)$/, ''));
    }
  }
  return [...names].sort();
}
