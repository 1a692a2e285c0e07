import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { hostileInputProblem } from '@casino/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppConfig } from '../../../config/app-config';
import type { ProviderProtocol } from '../providers/provider.types';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `ProviderWalletRoute` on the routes game providers call: the protocol they answer in. */
    providerWalletRoute?: ProviderProtocol;
  }
}

/** The body of a provider wallet call whose bytes are not JSON (or are empty). */
export const UNPARSABLE_BODY: unique symbol = Symbol('unparsable provider body');

/**
 * Marks a route that a game provider calls. Its JSON body never fails in Fastify's parser: the raw
 * bytes are kept, and unparsable bytes reach the handler as `UNPARSABLE_BODY`, so that the protocol
 * adapter can check the signature over the raw bytes first and then answer in its own protocol
 * (Hub88: HTTP 200 `RS_ERROR_WRONG_SYNTAX`, reference §0 "HTTP status") instead of the API's 400.
 */
export const ProviderWalletRoute = (protocol: ProviderProtocol): MethodDecorator =>
  RouteConfig({ providerWalletRoute: protocol });

/** Whether the request is to a route marked `ProviderWalletRoute` (its body answers in the provider's protocol). */
export function isProviderWalletRoute(request: FastifyRequest): boolean {
  return providerProtocolOf(request) !== undefined;
}

/** The protocol a `ProviderWalletRoute` answers in; undefined on every other route. */
export function providerProtocolOf(request: FastifyRequest): ProviderProtocol | undefined {
  return request.routeOptions?.config?.providerWalletRoute;
}

type Done = (error: Error | null, body?: unknown) => void;
type CallbackJsonParser = (request: FastifyRequest, body: Buffer, done: Done) => void;
type RequestWithRawBody = FastifyRequest & { rawBody?: Buffer };

/**
 * Replaces the `application/json` parser that Nest registered with one that behaves exactly like it on
 * every route but the provider wallet routes: Fastify's own secure parser with the same poisoning rules
 * and body limit, the raw bytes kept in `request.rawBody` (nest-app always runs with `rawBody: true`,
 * in bootstrap.ts and in every test app; this parser keeps them whatever that option says). Fastify has
 * one parser per content type for all of Nest's routes, so the difference is made per route from the
 * route's config. A provider body with a NUL character or nested deeper than `maxDepth` is unparsable too: the API
 * routes refuse those in the edge's hook (hardenEdge), which leaves provider bodies to this parser. Must run after
 * Nest registered its parsers and before `ready()` (`onModuleInit`).
 */
export function installProviderBodyParser(fastify: FastifyInstance, maxDepth: number): void {
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  // Typed as a string parser, it is the callback parser Fastify itself runs on buffers (as Nest uses it).
  const defaultJsonParser = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  ) as unknown as CallbackJsonParser;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done: Done) => {
      (request as RequestWithRawBody).rawBody = body;
      if (!isProviderWalletRoute(request)) {
        defaultJsonParser(request, body, done);
        return;
      }
      defaultJsonParser(request, body, (error, parsed) =>
        done(null, error || hostileInputProblem(parsed, maxDepth) !== null ? UNPARSABLE_BODY : parsed),
      );
    },
  );
}

/** Installs the provider body parser on the app's Fastify instance (absent in CLI application contexts). */
@Injectable()
export class ProviderBodyParserInstaller implements OnModuleInit {
  private readonly logger = new Logger(ProviderBodyParserInstaller.name);

  public constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  public onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return;
    installProviderBodyParser(adapter.getInstance<FastifyInstance>(), this.config.API_MAX_JSON_DEPTH);
    this.logger.debug('provider wallet routes keep unparsable JSON bodies for their protocol');
  }
}
