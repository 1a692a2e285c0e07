import { DomainError } from '@casino/contracts';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

interface RouteArgument {
  index: number;
  data?: unknown;
}

/**
 * One policy for query strings on every route: a parameter the route does not declare is refused with 400
 * QUERY_PARAMETER_UNKNOWN (naming it), before validation. A route declares its parameters with one `@Query()` DTO
 * (its validated properties) or `@Query('name')`; a route with neither takes none. Without this, a misspelt filter
 * (`?stauts=failed`) was an error on some routes and silently ignored, answering unfiltered data, on others.
 */
@Injectable()
export class UnknownQueryInterceptor implements NestInterceptor {
  private readonly declared = new WeakMap<object, ReadonlySet<string>>();

  public intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const query = context.switchToHttp().getRequest<FastifyRequest>().query;
      const names = typeof query === 'object' && query !== null ? Object.keys(query) : [];
      if (names.length > 0) {
        const allowed = this.declaredOf(context);
        const unknown = names.filter((name) => !allowed.has(name));
        if (unknown.length > 0) {
          throw new DomainError('QUERY_PARAMETER_UNKNOWN', `Unknown query parameter: ${unknown.join(', ')}`, {
            parameters: unknown,
            allowed: [...allowed].sort(),
          });
        }
      }
    }
    return next.handle();
  }

  private declaredOf(context: ExecutionContext): ReadonlySet<string> {
    const handler = context.getHandler();
    const cached = this.declared.get(handler);
    if (cached) return cached;
    const controller = context.getClass();
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) as
      Record<string, RouteArgument> | undefined;
    const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler.name) ??
      []) as Type<unknown>[];
    const names = new Set<string>();
    for (const [key, argument] of Object.entries(args ?? {})) {
      if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
      if (typeof argument.data === 'string') {
        names.add(argument.data);
        continue;
      }
      for (const name of validatedProperties(types[argument.index])) names.add(name);
    }
    this.declared.set(handler, names);
    return names;
  }
}

/** The properties class-validator checks on a DTO class (its own and inherited). */
function validatedProperties(dto: Type<unknown> | undefined): string[] {
  if (dto === undefined) return [];
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .map((metadata) => metadata.propertyName);
}
