import { Controller, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@casino/contracts';
import { Public } from '../../../common/auth/auth.decorators';
import { ProviderWalletRoute } from '../seamless/provider-body';
import { ProviderWalletErrorFilter } from '../seamless/provider-wallet-error.filter';
import { SeamlessGateway } from '../seamless/seamless-gateway';
import type { Hub88Operation } from './hub88.adapter';

/**
 * Hub88's seamless-wallet calls (`POST /api/v1/providers/hub88/user/info` ...), authenticated by their
 * RSA signature instead of a sign-in. Any provider of the hub88 protocol is served under its own code.
 * Every route is a `ProviderWalletRoute`: an unparsable body reaches the gateway, which checks the
 * signature over the raw bytes first and then answers HTTP 200 `RS_ERROR_WRONG_SYNTAX`, `request_uuid: null`.
 */
@ApiExcludeController()
@Public()
@UseFilters(ProviderWalletErrorFilter)
@Controller('providers/:code')
export class Hub88WalletController {
  public constructor(private readonly gateway: SeamlessGateway) {}

  @Post('user/info')
  @HttpCode(200)
  @ProviderWalletRoute('hub88')
  public userInfo(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle('user/info', code, request, reply);
  }

  @Post('user/balance')
  @HttpCode(200)
  @ProviderWalletRoute('hub88')
  public balance(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle('user/balance', code, request, reply);
  }

  @Post('transaction/bet')
  @HttpCode(200)
  @ProviderWalletRoute('hub88')
  public bet(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle('transaction/bet', code, request, reply);
  }

  @Post('transaction/win')
  @HttpCode(200)
  @ProviderWalletRoute('hub88')
  public win(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle('transaction/win', code, request, reply);
  }

  @Post('transaction/rollback')
  @HttpCode(200)
  @ProviderWalletRoute('hub88')
  public rollback(
    @Param('code') code: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle('transaction/rollback', code, request, reply);
  }

  private async handle(
    operation: Hub88Operation,
    code: string,
    request: RawBodyRequest<FastifyRequest>,
    reply: FastifyReply,
  ): Promise<unknown> {
    const response = await this.gateway.handle('hub88', code, {
      operation,
      rawBody: request.rawBody,
      headers: request.headers,
      body: request.body,
    });
    if (!response) throw new DomainError('GAME_PROVIDER_NOT_FOUND', 'No such provider', { code });
    void reply.status(response.httpStatus);
    return response.body;
  }
}
