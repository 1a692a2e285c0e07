import type { FastifyInstance, FastifyReply } from 'fastify';
import { str, type FormObject } from './form-encoding';
import { SandboxError, type SandboxPayments } from './sandbox-payments';
import type { DeliveryOptions } from './webhook-sender';
import type { SandboxPaymentIntent } from './sandbox-store';

type IdRequest = { Params: { id: string }; Body: FormObject };

const escape = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto}button{margin:.25rem;padding:.5rem 1rem}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const DELIVERY_OPTIONS = `<p><label><input type="checkbox" name="duplicate"> deliver every webhook twice</label><br>
<label><input type="checkbox" name="out_of_order"> deliver webhooks out of order</label></p>`;

function form(action: string, label: string): string {
  return `<form method="post" action="${escape(action)}">${DELIVERY_OPTIONS}<button type="submit">${escape(label)}</button></form>`;
}

function amountLine(intent: SandboxPaymentIntent): string {
  return `<p>Amount: <strong>${intent.amount}</strong> minor units of ${escape(intent.currency.toUpperCase())} — intent ${escape(intent.id)}</p>`;
}

function optionsOf(body: FormObject | undefined): DeliveryOptions {
  return {
    duplicate: body !== undefined && str(body, 'duplicate') !== undefined,
    outOfOrder: body !== undefined && str(body, 'out_of_order') !== undefined,
  };
}

function done(reply: FastifyReply, intent: SandboxPaymentIntent, text: string): FastifyReply {
  const back = intent.next_action?.redirect_to_url.return_url;
  const link = back ? `<p><a href="${escape(back)}">Back to the casino</a></p>` : '<p>You can close this window.</p>';
  return reply.type('text/html').send(page('Sandbox PSP', `${amountLine(intent)}<p>${escape(text)}</p>${link}`));
}

/** The hosted payment page: approve, decline (soft or hard) or go through a 3-D Secure challenge. */
export function registerHostedPage(app: FastifyInstance, payments: SandboxPayments): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SandboxError) {
      return reply
        .code(error.status)
        .type('text/html')
        .send(page('Sandbox PSP', `<p>${escape(error.message)}</p>`));
    }
    return reply.send(error);
  });

  app.get<IdRequest>('/pay/:id', async (request, reply) => {
    const intent = payments.intent(request.params.id);
    const base = `/pay/${intent.id}`;
    const actions =
      intent.status === 'requires_payment_method'
        ? form(`${base}/approve`, 'Approve') +
          form(`${base}/decline`, 'Decline') +
          form(`${base}/decline?hard=1`, 'Decline (stolen card, final)') +
          form(`${base}/challenge`, 'Pay with 3-D Secure')
        : `<p>Status: ${escape(intent.status)}</p>`;
    return reply.type('text/html').send(page('Sandbox PSP — pay', amountLine(intent) + actions));
  });

  app.post<IdRequest>('/pay/:id/approve', async (request, reply) =>
    done(reply, payments.approve(request.params.id, optionsOf(request.body)), 'Payment approved.'),
  );
  app.post<IdRequest & { Querystring: { hard?: string } }>('/pay/:id/decline', async (request, reply) =>
    done(
      reply,
      payments.decline(request.params.id, request.query.hard === '1', optionsOf(request.body)),
      'Payment declined.',
    ),
  );
  app.post<IdRequest>('/pay/:id/challenge', async (request, reply) => {
    const intent = payments.challenge(request.params.id, optionsOf(request.body));
    const base = `/pay/${intent.id}/challenge`;
    const body = `${amountLine(intent)}<p>3-D Secure: confirm this payment with your bank.</p>${form(`${base}/pass`, 'Complete authentication')}${form(`${base}/fail`, 'Fail authentication')}`;
    return reply.type('text/html').send(page('Sandbox PSP — 3-D Secure', body));
  });
  app.post<IdRequest>('/pay/:id/challenge/pass', async (request, reply) =>
    done(
      reply,
      payments.completeChallenge(request.params.id, true, optionsOf(request.body)),
      'Authenticated; payment approved.',
    ),
  );
  app.post<IdRequest>('/pay/:id/challenge/fail', async (request, reply) =>
    done(
      reply,
      payments.completeChallenge(request.params.id, false, optionsOf(request.body)),
      'Authentication failed.',
    ),
  );
}
