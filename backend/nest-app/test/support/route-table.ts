import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../../src/common/auth/auth.decorators';
import type { Role } from '../../src/common/auth/roles';
import { API_PREFIX } from '../../src/common/http/configure-http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route of the running app, read from Nest's own controller metadata (so a new route is in the table). */
export interface RouteEntry {
  method: HttpMethod;
  /** With the global prefix and `:name` parameters, e.g. `/api/v1/payments/:id`. */
  path: string;
  /** `Controller.handler`, for messages. */
  name: string;
  isPublic: boolean;
  /** `@Roles(...)` of the handler or its controller; empty when any signed-in caller may use it. */
  roles: Role[];
  /** The `@Body()` DTO class, when the handler validates its body with one. */
  bodyType: Type | null;
  pathParams: string[];
}

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

/** Routes outside the global prefix (configure-http.ts), public (jwt-auth.guard.ts). */
const UNPREFIXED = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Every HTTP route of the app, from the controllers Nest registered, each checked against Fastify's own route
 * table (a route this helper got wrong fails here rather than passing a sweep unseen).
 */
export function routeTable(app: NestFastifyApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (controller) routes.push(...routesOf(controller));
    }
  }
  const fastify = app.getHttpAdapter().getInstance();
  for (const route of routes) {
    if (!fastify.hasRoute({ method: route.method, url: route.path })) {
      throw new Error(`route table: ${route.method} ${route.path} (${route.name}) is not a Fastify route`);
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** The path with each `:param` replaced (by `values[param]`, else `fallback`). */
export function fillPath(route: RouteEntry, values: Record<string, string> = {}, fallback = UNKNOWN_ID): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => values[name] ?? fallback);
}

/** An id that names nothing (a valid UUID, so it passes `ParseUUIDPipe`). */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export function describeRoute(route: RouteEntry): string {
  return `${route.method} ${route.path}`;
}

function routesOf(controller: Type): RouteEntry[] {
  const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
  const prototype = controller.prototype as Record<string, unknown>;
  const entries: RouteEntry[] = [];
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[key];
    if (key === 'constructor' || typeof handler !== 'function') continue;
    const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    if (!method || paths === undefined) continue;
    for (const prefix of prefixes) {
      for (const path of asArray(paths)) {
        const full = joinPath(prefix, path);
        entries.push({
          method,
          path: full,
          name: `${controller.name}.${key}`,
          // The platform's routes outside the prefix are public by the JWT guard's own list, not by @Public().
          isPublic: metadata<boolean>(IS_PUBLIC_KEY, handler, controller) === true || UNPREFIXED.has(full),
          roles: metadata<Role[]>(ROLES_KEY, handler, controller) ?? [],
          bodyType: bodyTypeOf(controller, key),
          pathParams: [...full.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? ''),
        });
      }
    }
  }
  return entries;
}

function metadata<T>(key: string, handler: object, controller: Type): T | undefined {
  return (
    (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined)
  );
}

function bodyTypeOf(controller: Type, key: string): Type | null {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<
    string,
    { index: number; data?: unknown }
  >;
  const paramTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, key) ?? []) as unknown[];
  for (const [argKey, arg] of Object.entries(args)) {
    if (argKey.split(':')[0] !== String(RouteParamtypes.BODY) || arg.data !== undefined) continue;
    const type = paramTypes[arg.index];
    if (typeof type === 'function' && ![Object, String, Number, Boolean, Array].includes(type as never)) {
      return type as Type;
    }
  }
  return null;
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return UNPREFIXED.has(joined) ? joined : `/${API_PREFIX}${joined}`;
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}
