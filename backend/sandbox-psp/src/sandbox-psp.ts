import Fastify, { type FastifyInstance } from 'fastify';
import { parseForm } from './form-encoding';
import { registerHostedPage } from './hosted-page.routes';
import { CREATE_FAULTS, SandboxFaults, type CreateFault } from './sandbox-faults';
import type { SandboxConfig } from './sandbox-config';
import { SandboxError, SandboxPayments } from './sandbox-payments';
import { SandboxStore } from './sandbox-store';
import { registerStripeApi } from './stripe-api.routes';
import { WebhookSender } from './webhook-sender';

export interface SandboxPsp {
  app: FastifyInstance;
  store: SandboxStore;
  payments: SandboxPayments;
  webhooks: WebhookSender;
  faults: SandboxFaults;
}

/**
 * The sandbox PSP: a Stripe-shaped REST API (so the platform's Stripe adapter drives it), a hosted
 * payment page, signed asynchronous webhooks (duplicates and out-of-order delivery on request)
 * and payouts that settle on their own (`auto`) or through the control endpoints (`manual`).
 */
export function buildSandboxPsp(config: SandboxConfig): SandboxPsp {
  const app = Fastify({ logger: false });
  const store = new SandboxStore();
  const webhooks = new WebhookSender({
    webhookUrl: config.webhookUrl,
    webhookSecrets: config.webhookSecrets,
    webhookDelayMs: config.webhookDelayMs,
    retry: config.webhookRetry,
  });
  const autoPayout = config.payoutMode === 'auto' ? config.payoutDelayMs : null;
  const payments = new SandboxPayments(store, webhooks, config.publicUrl, autoPayout);
  const faults = new SandboxFaults();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(String(body)));
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  app.get('/health/live', async () => ({ status: 'ok' }));
  registerStripeApi(app, payments, store, config.apiKey, faults);
  registerHostedPage(app, payments);
  registerControls(app, payments, webhooks, faults);
  app.addHook('onClose', async () => webhooks.stop());
  return { app, store, payments, webhooks, faults };
}

/** Development controls: settle a payout by hand, see what webhooks were delivered, fail the next creations. */
function registerControls(
  app: FastifyInstance,
  payments: SandboxPayments,
  webhooks: WebhookSender,
  faults: SandboxFaults,
): void {
  app.post<{ Params: { id: string; outcome: string } }>('/sandbox/payouts/:id/:outcome', async (request, reply) => {
    const outcome = request.params.outcome;
    if (outcome !== 'paid' && outcome !== 'failed')
      return reply.code(404).send({ error: 'outcome must be paid or failed' });
    try {
      return payments.settlePayout(request.params.id, outcome);
    } catch (error) {
      if (error instanceof SandboxError) return reply.code(error.status).send({ error: error.message });
      throw error;
    }
  });
  app.get('/sandbox/deliveries', async () => webhooks.deliveries);
  app.post<{ Params: { fault: string } }>('/sandbox/faults/payment-intents/create/:fault', async (request, reply) => {
    const fault = request.params.fault as CreateFault;
    if (!CREATE_FAULTS.includes(fault))
      return reply.code(404).send({ error: `fault must be one of ${CREATE_FAULTS.join(', ')}` });
    faults.failNextCreate(fault);
    return { queued: fault };
  });
}
