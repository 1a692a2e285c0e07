import { classifyRoute } from './route-class';

describe('classifyRoute', () => {
  it.each([
    ['POST', '/api/v1/auth/email/start', 'sign_in', undefined],
    ['POST', '/api/v1/auth/2fa/sms/challenge', 'sign_in', undefined],
    ['POST', '/api/v1/users/me/email', 'sign_in', undefined],
    ['PATCH', '/api/v1/users/me', 'sign_in', undefined],
    ['GET', '/api/v1/users/me', 'api', undefined],
    ['GET', '/api/v1/wallets/me?x=1', 'api', undefined],
    ['GET', '/api/v1/admin/reports/ggr', 'reports', undefined],
    ['POST', '/api/v1/admin/exports', 'reports', undefined],
    ['POST', '/api/v1/payments/webhooks/Stripe', 'webhook', 'stripe'],
    ['POST', '/api/v1/providers/hub88/transaction/bet', 'webhook', 'hub88'],
    ['GET', '/docs', 'api', undefined],
  ])('%s %s is %s', (method, url, routeClass, provider) => {
    expect(classifyRoute(method, url)).toEqual(provider ? { routeClass, provider } : { routeClass });
  });
});
