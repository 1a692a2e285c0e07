export { AccessTokenVerifier } from './access-token-verifier';
export { edgeAuthHook, verifiedSubjectOf } from './edge-auth.hook';
