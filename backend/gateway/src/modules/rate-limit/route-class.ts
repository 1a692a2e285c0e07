/** The classes of routes the edge limits differently (ADR 0017). */
export type RouteClass = 'sign_in' | 'api' | 'reports' | 'webhook';

export interface ClassifiedRoute {
  routeClass: RouteClass;
  /** The provider (Hub88 code, PSP name) of a webhook. */
  provider?: string;
}

const WEBHOOK_ROUTES = [/^\/api\/v1\/payments\/webhooks\/([^/]+)/, /^\/api\/v1\/providers\/([^/]+)\//];
/** Sign-in, refresh, 2FA and every route that sends a one-time code (docs/operations.md, code requests). */
const SIGN_IN_ROUTES = [/^\/api\/v1\/auth(\/|$)/];
const CODE_SENDING_ROUTES: { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/v1\/users\/me\/email\/?$/ },
  { method: 'PATCH', path: /^\/api\/v1\/users\/me\/?$/ },
];
const REPORT_ROUTES = /^\/api\/v1\/(.+\/)?(reports|exports)(\/|$)/;

export function classifyRoute(method: string, url: string): ClassifiedRoute {
  const path = url.split('?', 1)[0] ?? url;
  for (const pattern of WEBHOOK_ROUTES) {
    const match = pattern.exec(path);
    if (match) return { routeClass: 'webhook', provider: decodeURIComponent(match[1] ?? '').toLowerCase() };
  }
  if (SIGN_IN_ROUTES.some((pattern) => pattern.test(path))) return { routeClass: 'sign_in' };
  if (CODE_SENDING_ROUTES.some((route) => route.method === method && route.path.test(path))) {
    return { routeClass: 'sign_in' };
  }
  if (REPORT_ROUTES.test(path)) return { routeClass: 'reports' };
  return { routeClass: 'api' };
}
