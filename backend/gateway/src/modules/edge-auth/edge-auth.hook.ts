import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { sendApiError } from '../../common/api-error';
import { edgeTokenRefusals } from '../../common/gateway-metrics';
import type { AccessTokenVerifier } from './access-token-verifier';

const verifiedSubjects = new WeakMap<FastifyRequest, string>();

/** The user id of the request's verified access token; undefined for a request without one. */
export function verifiedSubjectOf(request: FastifyRequest): string | undefined {
  return verifiedSubjects.get(request);
}

const BEARER = /^Bearer(?:[ ]+(\S*))?\s*$/i;

/**
 * A request with a bearer token gets through only with a valid one (401 UNAUTHENTICATED here otherwise, so a forged,
 * expired or `alg: none` token never reaches nest-app); a request without one passes: nest-app decides what is public.
 */
export function edgeAuthHook(verifier: AccessTokenVerifier): onRequestHookHandler {
  return (request, reply, done) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) {
      done();
      return;
    }
    const result = verifier.check(match[1] ?? '');
    if (!result.valid) {
      edgeTokenRefusals.inc({ reason: result.reason });
      void sendApiError(request, reply, 'UNAUTHENTICATED', 'The access token is not valid');
      return;
    }
    verifiedSubjects.set(request, result.subject);
    done();
  };
}
