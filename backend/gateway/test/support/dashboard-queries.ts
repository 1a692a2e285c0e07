import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const GRAFANA_DIR = resolve(__dirname, '..', '..', '..', '..', 'ops', 'grafana');

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

interface Panel {
  title?: string;
  type?: string;
  panels?: Panel[];
  targets?: Target[];
  datasource?: { type?: string; uid?: string };
}

interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  allValue?: string;
}

export interface Dashboard {
  file: string;
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: TemplateVariable[] };
}

/** One query of a dashboard as Prometheus gets it: where it comes from, and the PromQL with its variables filled in. */
export interface PanelQuery {
  where: string;
  expr: string;
}

export function loadDashboards(directory = GRAFANA_DIR): Dashboard[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Omit<Dashboard, 'file'>) }));
}

/** Every panel, rows' collapsed panels included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Grafana's interval variables as a dashboard over the last hour would fill them for a scrape interval of
 * `scrapeSeconds` ($__rate_interval is at least four scrapes), and each template variable as its "All" value.
 */
export function substitute(expr: string, dashboard: Dashboard, scrapeSeconds: number): string {
  const builtIn: Record<string, string> = {
    __rate_interval: `${Math.max(4 * scrapeSeconds, 60)}s`,
    __interval: `${Math.max(scrapeSeconds, 15)}s`,
    __range: '1h',
  };
  const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    if (builtIn[name]) return builtIn[name];
    const variable = variables.get(name);
    if (!variable) throw new Error(`${dashboard.file}: ${whole} is no variable of the dashboard`);
    if (variable.allValue === undefined) throw new Error(`${dashboard.file}: variable ${name} has no allValue`);
    return variable.allValue;
  });
}

/**
 * The PromQL of every panel target, and of every query variable (`label_values(metric, label)` becomes `metric`):
 * what the test asks Prometheus.
 */
export function queriesOf(dashboard: Dashboard, scrapeSeconds: number): PanelQuery[] {
  const panels = panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${dashboard.file} "${panel.title ?? '?'}" ${target.refId ?? '?'}`,
      expr: substitute(target.expr ?? '', dashboard, scrapeSeconds),
    })),
  );
  const variables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      const metric = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1] ?? query;
      return {
        where: `${dashboard.file} variable ${variable.name}`,
        expr: substitute(metric, dashboard, scrapeSeconds),
      };
    });
  return [...panels, ...variables];
}
