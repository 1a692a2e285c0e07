export { AccessTokenVerifier, type TokenCheck, type VerifiedToken } from './access-token-verifier';
export { edgeAuthHook, verifiedSubjectOf } from './edge-auth.hook';
