/* global process */
// Where the machine's CPU went during a timed phase, by process group, read from /proc (Linux): the evidence for
// "what limits it" (ADR 0011). Shares are of the whole machine (all cores together = 1).
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * The process group of a command line, or null for the rest of the machine. With `postgresPids` (the backends of
 * the run's own database), other PostgreSQL processes (other databases' sessions, the WAL writer, checkpointer and
 * autovacuum, which serve everyone) are `postgresShared`.
 */
function groupOf(pid, commandLine, postgresPids) {
  if (pid === process.pid) return 'loadGenerator';
  if (commandLine.startsWith('postgres')) {
    return !postgresPids || postgresPids.has(pid) ? 'postgres' : 'postgresShared';
  }
  if (commandLine.includes('nest-app/dist/main.js')) return 'api';
  if (commandLine.includes('outbox-relay.js')) return 'relay';
  if (commandLine.includes('gateway/dist/main.js')) return 'gateway';
  if (commandLine.includes('push-wallet-driver.mjs')) return 'walletDriver';
  if (commandLine.includes('nats-server')) return 'nats';
  return null;
}

function processTicks(postgresPids) {
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const group = groupOf(Number(entry), commandLine, postgresPids);
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
      if (group) ticks.set(entry, { group, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}

function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return {
    busy: user + nice + system + irq + softirq + steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/**
 * Starts sampling; `stop()` answers each group's share of the machine, the machine's busy share, and each group's
 * CPU milliseconds (`cpuMs`: what a figure per operation is computed from, since noise moves it less than rates).
 */
export function startCpuShares({ postgresPids } = {}) {
  if (process.platform !== 'linux') return { stop: () => null };
  const startedAt = process.hrtime.bigint();
  const before = processTicks(postgresPids);
  const machineBefore = machineTicks();
  return {
    stop() {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const after = processTicks(postgresPids);
      const machineAfter = machineTicks();
      const capacity = seconds * TICKS_PER_SECOND * cpus().length;
      const shares = {};
      for (const [pid, { group, ticks }] of after) {
        shares[group] = (shares[group] ?? 0) + ticks - (before.get(pid)?.ticks ?? 0);
      }
      const round = (value) => Math.round(value * 100) / 100;
      return {
        ...Object.fromEntries(Object.entries(shares).map(([group, ticks]) => [group, round(ticks / capacity)])),
        cpuMs: Object.fromEntries(
          Object.entries(shares).map(([group, ticks]) => [group, (ticks * 1000) / TICKS_PER_SECOND]),
        ),
        machineBusy: round(
          (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
        ),
      };
    },
  };
}
