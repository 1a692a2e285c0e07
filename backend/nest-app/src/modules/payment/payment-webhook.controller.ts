import { Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { requestOriginOf } from '../../common/http/request-origin';
import { WebhookAckDto } from './dto/webhook-ack.dto';
import { PaymentWebhookService } from './webhooks/payment-webhook.service';

@ApiTags('payments')
@Controller('payments/webhooks')
export class PaymentWebhookController {
  public constructor(private readonly webhooks: PaymentWebhookService) {}

  /** A PSP's event; authenticated by its signature over the raw body, not by a session. */
  @Public()
  @Post(':provider')
  @HttpCode(200)
  @ApiHeader({ name: 'Stripe-Signature', description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…]' })
  @ApiOkResponse({ type: WebhookAckDto })
  public async receive(
    @Param('provider') provider: string,
    @Headers('stripe-signature') signature: string | undefined,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<WebhookAckDto> {
    return this.webhooks.handle(provider, request.rawBody, signature, requestOriginOf(request));
  }
}
