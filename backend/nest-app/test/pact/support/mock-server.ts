import { getFfiLib } from '@pact-foundation/pact-core';

/**
 * Waits until the Pact mock server has recorded that its expected requests matched. The mock server
 * answers the client before its event loop records the match (pact-foundation/pact-core-mock-server#13,
 * pact-reference#535; in @pact-foundation/pact 16.3 and 16.4), so under CPU load `executeTest` can read
 * "expected but not received" for a request that was matched. Call it last in the test function: a
 * request that really did not match never turns this true, and `executeTest` then reports its mismatches.
 */
export async function settled(port: number, timeoutMs = 2_000): Promise<void> {
  const ffi = getFfiLib();
  const deadline = Date.now() + timeoutMs;
  while (!ffi.pactffiMockServerMatched(port) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
