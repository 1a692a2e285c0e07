/* global process, fetch, performance, setTimeout, AbortSignal */
// The campaign's supervisor: starts each compiled process, restarts it when it dies (as systemd or Kubernetes
// would), and counts the restarts the campaign did not ask for (a process that had to be restarted by hand).
import { spawnNode } from './bench-support.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function isReady(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { ok: response.ok, body: await response.text() };
  } catch (error) {
    return { ok: false, body: String(error.message) };
  }
}

export async function waitReady(url, timeoutMs = 120_000) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if ((await isReady(url)).ok) return (performance.now() - started) / 1000;
    await sleep(200);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

export function supervise(name, script, env, readyUrl) {
  let child = null;
  let stopping = false;
  let expectedDeath = false;
  const state = { name, restarts: 0, unplannedRestarts: 0 };
  const start = async () => {
    child = spawnNode(script, [], env);
    const current = child;
    current.finished.then(
      () => onExit(current),
      () => onExit(current),
    );
    if (readyUrl) await waitReady(readyUrl);
    else await current.waitFor(/outbox relay running/);
  };
  const onExit = (exited) => {
    if (stopping || exited !== child) return;
    state.restarts += 1;
    if (!expectedDeath) {
      state.unplannedRestarts += 1;
      process.stderr.write(`chaos: ${name} died on its own; the supervisor restarts it\n`);
    }
    expectedDeath = false;
    state.restarting = sleep(500).then(start);
  };
  return {
    state,
    readyUrl,
    start,
    pid: () => child?.pid,
    /** SIGKILL; resolves once the supervisor has it running and ready again, with the seconds that took. */
    kill: async () => {
      const began = performance.now();
      expectedDeath = true;
      process.kill(child.pid, 'SIGKILL');
      while (!state.restarting) await sleep(20);
      await state.restarting;
      state.restarting = null;
      return (performance.now() - began) / 1000;
    },
    stop: async () => {
      stopping = true;
      await child?.stop();
    },
  };
}
