import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { obj, parseForm, str, type FormObject } from './form-encoding';
import type { SandboxFaults } from './sandbox-faults';
import { SandboxError, type SandboxPayments } from './sandbox-payments';
import { listPage, newId, type SandboxStore } from './sandbox-store';

/** The subset of Stripe's REST API the platform's adapter calls, in Stripe's shapes and error format. */
export function registerStripeApi(
  app: FastifyInstance,
  payments: SandboxPayments,
  store: SandboxStore,
  apiKey: string,
  faults: SandboxFaults,
): void {
  const guarded =
    (handler: (form: FormObject, request: FastifyRequest) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        return reply
          .code(401)
          .send(stripeError('authentication_error', 'invalid_api_key', 'Invalid API Key provided.'));
      }
      if (faults.inOutage()) {
        const outage = internalError();
        return reply.code(outage.status).send(stripeError(outage.type, outage.code, outage.message));
      }
      const form = formOf(request);
      const key = request.headers['idempotency-key'];
      const fingerprint = createHash('sha256')
        .update(`${request.method} ${request.url} ${JSON.stringify(form)}`)
        .digest('hex');
      const stored = typeof key === 'string' ? store.idempotency.get(key) : undefined;
      if (stored && stored.fingerprint !== fingerprint) {
        return reply
          .code(400)
          .send(
            stripeError(
              'idempotency_error',
              'idempotency_key_in_use',
              'Keys for idempotent requests can only be used with the same parameters.',
            ),
          );
      }
      if (stored) return reply.code(stored.status).header('idempotent-replayed', 'true').send(stored.body);
      let status = 200;
      let body: unknown;
      try {
        body = handler(form, request);
      } catch (error) {
        if (!(error instanceof SandboxError)) throw error;
        status = error.status;
        body = stripeError(error.type, error.code, error.message);
      }
      if (typeof key === 'string' && request.method === 'POST')
        store.idempotency.set(key, { fingerprint, status, body });
      return reply.code(status).send(body);
    };

  app.post(
    '/v1/payment_intents',
    guarded((form) => {
      const amount = positiveInteger(str(form, 'amount'), 'amount');
      const fault = faults.takeCreateFault();
      if (fault === 'refuse') throw new SandboxError(400, 'amount_too_large', 'Amount must be no more than the limit.');
      if (fault === 'error_before_create') throw internalError();
      const intent = payments.createIntent({
        amount,
        currency: currencyOf(form),
        metadata: obj(form, 'metadata'),
        captureMethod: str(form, 'capture_method') === 'manual' ? 'manual' : 'automatic',
        returnUrl: str(form, 'return_url') ?? null,
      });
      if (fault === 'error_after_create') throw internalError();
      return intent;
    }),
  );
  app.get(
    '/v1/payment_intents',
    guarded((form, request) => listPage(store.intents.values(), listQuery(form), request.url.split('?')[0])),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/payment_intents/:id',
    guarded((_form, request) => payments.intent(idOf(request))),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/payment_intents/:id/confirm',
    guarded((_form, request) => payments.intent(idOf(request))),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/payment_intents/:id/capture',
    guarded((_form, request) => payments.capture(idOf(request))),
  );
  app.post<{ Params: { id: string } }>(
    '/v1/payment_intents/:id/cancel',
    guarded((_form, request) => payments.cancel(idOf(request))),
  );
  app.post(
    '/v1/refunds',
    guarded((form) => {
      const intent = payments.intent(str(form, 'payment_intent') ?? '');
      if (intent.status !== 'succeeded')
        throw new SandboxError(400, 'charge_not_refundable', 'The payment has not succeeded.');
      // Stripe refuses refunding more than was captured: nothing left, or more than what is left.
      const refunded = [...store.refunds.values()]
        .filter((refund) => refund.payment_intent === intent.id)
        .reduce((sum, refund) => sum + refund.amount, 0);
      const left = intent.amount - refunded;
      if (left <= 0)
        throw new SandboxError(400, 'charge_already_refunded', `Charge for ${intent.id} has already been refunded.`);
      const amount = str(form, 'amount') !== undefined ? positiveInteger(str(form, 'amount'), 'amount') : left;
      if (amount > left) {
        throw new SandboxError(400, 'amount_too_large', 'Refund amount is greater than unrefunded amount on charge.');
      }
      const refund = {
        id: newId('re'),
        object: 'refund' as const,
        amount,
        currency: intent.currency,
        payment_intent: intent.id,
        status: 'succeeded' as const,
        metadata: obj(form, 'metadata'),
        created: Math.floor(Date.now() / 1000),
      };
      store.refunds.set(refund.id, refund);
      return refund;
    }),
  );
  app.post(
    '/v1/payouts',
    guarded((form) =>
      payments.createPayout({
        amount: positiveInteger(str(form, 'amount'), 'amount'),
        currency: currencyOf(form),
        metadata: obj(form, 'metadata'),
      }),
    ),
  );
  app.get(
    '/v1/payouts',
    guarded((form, request) => listPage(store.payouts.values(), listQuery(form), request.url.split('?')[0])),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/payouts/:id',
    guarded((_form, request) => payments.payout(idOf(request))),
  );
}

function formOf(request: FastifyRequest): FormObject {
  if (request.method === 'GET') return parseForm(request.url.split('?')[1] ?? '');
  return typeof request.body === 'object' && request.body !== null ? (request.body as FormObject) : {};
}

function listQuery(form: FormObject): { limit?: string; starting_after?: string; created?: Record<string, string> } {
  return { limit: str(form, 'limit'), starting_after: str(form, 'starting_after'), created: obj(form, 'created') };
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

function positiveInteger(value: string | undefined, name: string): number {
  if (value === undefined || !/^[1-9]\d{0,14}$/.test(value)) {
    throw new SandboxError(400, 'parameter_invalid_integer', `Invalid positive integer: ${name}`);
  }
  return Number(value);
}

function currencyOf(form: FormObject): string {
  const currency = str(form, 'currency');
  if (!currency || !/^[a-z]{3}$/.test(currency))
    throw new SandboxError(400, 'parameter_invalid_string', 'Invalid currency');
  return currency;
}

/** Stripe's answer to a failure on its side: the caller cannot know whether the request took effect. */
function internalError(): SandboxError {
  return new SandboxError(500, 'api_error', 'An unknown error occurred', 'api_error');
}

function stripeError(
  type: string,
  code: string,
  message: string,
): { error: { type: string; code: string; message: string } } {
  return { error: { type, code, message } };
}
