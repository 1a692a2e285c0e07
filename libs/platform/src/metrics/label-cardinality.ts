/** Label names that would make a series per player, transaction, session, request or client address. */
const FORBIDDEN_LABEL_NAME =
  /(^|_)(user|player|customer|account|wallet|session|transaction|tx|intent|round|request|trace|order)_?id$|^(ip|address|client_ip|remote_addr|email|phone|token|url|path)$/i;

const VALUE_PATTERNS: [string, RegExp][] = [
  ['uuid', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i],
  ['ipv4', /(^|[^\d.])(\d{1,3}\.){3}\d{1,3}($|[^\d.])/],
  ['ipv6', /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i],
  ['long number', /\d{7,}/],
  ['email', /[^@\s]+@[^@\s]+\.[a-z]{2,}/i],
  ['hex id', /\b[0-9a-f]{24,}\b/i],
];

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}\s/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * What a scan of `/metrics` found: one line per offending label, naming the metric, the label and why.
 * `configured` names labels whose values come from the app's settings, not from traffic (the gateway's `upstream`,
 * an instance's URL): their values are not judged, their names still are.
 */
export function highCardinalityLabels(exposition: string, configured: readonly string[] = []): string[] {
  const found = new Set<string>();
  for (const line of exposition.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const [, metric, labels = ''] = sample;
    for (const [, name = '', value = ''] of labels.matchAll(LABEL)) {
      if (FORBIDDEN_LABEL_NAME.test(name)) found.add(`${metric}: label name ${name}`);
      if (configured.includes(name)) continue;
      for (const [why, pattern] of VALUE_PATTERNS) {
        if (pattern.test(value)) found.add(`${metric}: ${name}="${value}" looks like a ${why}`);
      }
    }
  }
  return [...found];
}
