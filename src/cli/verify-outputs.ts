/**
 * `eventgate check --verify-outputs`: after the config check, each channel's output checks
 * that a send could succeed without sending anything: SMTP servers connect, negotiate TLS
 * and accept the credentials (then QUIT), SNMP targets resolve, hook programs can be run.
 * Prints one line per channel (and each SMTP step); false when any channel failed.
 */
import type { GatewayPlan } from '../app/compile.js';
import { buildChannel } from '../app/channels.js';
import { createLogger } from '../observe/logger.js';
import type { Io } from './check.js';
import { describeStep } from './test-notify.js';

export async function verifyOutputs(plan: GatewayPlan, io: Io): Promise<boolean> {
  const log = createLogger({ level: 'warn', destination: process.stderr });
  let ok = true;
  for (const [id, cp] of plan.channels) {
    const steps: string[] = [];
    const channel = buildChannel(cp, { log, stdout: process.stdout, configDir: plan.loaded.dir, email: { trace: (s) => steps.push(describeStep(s)) } });
    try {
      const v = channel.output.verify
        ? await channel.output.verify(AbortSignal.timeout(channel.policy.attemptTimeoutMs))
        : { ok: true, detail: 'nothing to verify' };
      ok &&= v.ok;
      io.stdout(`channel ${id} (${cp.config.type}): ${v.ok ? 'ok' : 'FAILED'}: ${v.detail}\n`);
    } catch (err) {
      ok = false;
      io.stdout(`channel ${id} (${cp.config.type}): FAILED: the output threw (a bug): ${(err as Error)?.message ?? String(err)}\n`);
    } finally {
      await channel.output.close();
    }
    for (const s of steps) io.stdout(`  ${s}\n`);
  }
  return ok;
}
