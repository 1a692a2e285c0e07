import { DomainError } from '@casino/contracts';
import { Controller, HttpCode, Param, Post, Req, Res, UseFilters, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../../common/auth/auth.decorators';
import { ProviderWalletRoute } from '../seamless/provider-body';
import { ProviderWalletErrorFilter } from '../seamless/provider-wallet-error.filter';
import { SeamlessGateway } from '../seamless/seamless-gateway';

/** Wallet calls of action-batch providers, authenticated by their HMAC signature. */
@ApiExcludeController()
@Public()
@UseFilters(ProviderWalletErrorFilter)
@Controller('providers/:code')
export class ActionsWalletController {
  public constructor(private readonly gateway: SeamlessGateway) {}

  @Post('play')
  @HttpCode(200)
  @ProviderWalletRoute('actions')
  public async play(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const response = await this.gateway.handle('actions', code, {
      operation: 'play',
      rawBody: request.rawBody,
      headers: request.headers,
      body: request.body,
    });
    if (!response) throw new DomainError('GAME_PROVIDER_NOT_FOUND', 'No such provider', { code });
    void reply.status(response.httpStatus);
    return response.body;
  }
}
