/**
 * `eventgate check [--verify-outputs]`: validates the config and everything it includes,
 * then runs every rule example, and with `--verify-outputs` asks each output whether a send
 * could succeed (verify-outputs.ts). Exit 0 when all is well, 1 with every problem listed.
 */
import { runRuleExamples } from '../app/examples.js';
import { UsageError } from './args.js';
import { loadPlan, printIssues } from './load-plan.js';
import { parseOptions } from './state-access.js';
import { verifyOutputs } from './verify-outputs.js';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export async function check(configFile: string, io: Io, rest: readonly string[] = []): Promise<number> {
  const { values, positionals } = parseOptions(rest, { 'verify-outputs': { type: 'boolean', default: false } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const result = loadPlan(configFile);
  if (!result.ok) {
    printIssues(result.issues, io.stderr);
    io.stderr(`${configFile}: ${result.issues.length} problem(s)\n`);
    return 1;
  }
  const { plan } = result;
  printIssues(plan.warnings, io.stderr);
  const examples = runRuleExamples(plan);
  if (examples.issues.length) {
    printIssues(examples.issues, io.stderr);
    io.stderr(`${examples.issues.length} of ${examples.run} rule example check(s) failed\n`);
    return 1;
  }
  const c = plan.loaded.config;
  io.stdout(
    `${plan.loaded.file}: ok (${c.listeners.syslog.length + c.listeners.snmp.length} listener(s), ${plan.rules.length} rule(s), ` +
    `${examples.run} example(s) passed, ${plan.channels.size} channel(s), ${c.routes.length} route(s))\n`,
  );
  if (!values['verify-outputs']) return 0;
  return (await verifyOutputs(plan, io)) ? 0 : 1;
}
