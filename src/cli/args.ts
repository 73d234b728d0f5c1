/**
 * Command-line parsing: `eventgate <command> [ARG] [--config FILE] [--log-level LEVEL]`.
 * check, replay and the commands that read or manage the store (events, outbox, silence)
 * take their own arguments, passed on in `rest`. Usage errors become exit status 2.
 */
import { LOG_LEVELS } from '../observe/logger.js';

export const DEFAULT_CONFIG = '/etc/eventgate/eventgate.yaml';
export const COMMANDS = ['run', 'check', 'classify', 'test-notify', 'status', 'events', 'outbox', 'silence', 'replay'] as const;
/** Commands whose own arguments go to `rest`. */
const WITH_REST: readonly Command[] = ['check', 'events', 'outbox', 'silence', 'replay'];
/** Commands that take one positional argument, and what it is called in usage errors. */
const POSITIONAL: Partial<Record<Command, string>> = { 'test-notify': 'CHANNEL' };
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command;
  readonly config: string;
  readonly logLevel?: (typeof LOG_LEVELS)[number];
  /** The positional argument (test-notify: the channel id). */
  readonly target?: string;
  /** The command's own arguments (check, events, outbox, silence, replay). */
  readonly rest: readonly string[];
}

export const USAGE = `usage: eventgate <command> [options]

commands:
  run        run the gateway
  check      validate the configuration and run every rule example; [--verify-outputs]:
             also check each channel could send (SMTP login, SNMP hosts, hook programs)
  classify   read syslog lines on stdin, print how each is classified and routed (JSON)
  test-notify CHANNEL
             send a test notification through CHANNEL and say what happened
  status     ask the running instance (http.listen) how it is; exit 0 healthy, 1 not
  events     query the event history: [--since 1h] [--until T] [--category C] [--host H]
             [--limit N] [--json]
  outbox     list [--dead] [--channel C] [--json] | retry [--channel C] [ID...]
             | purge [--dead] (--all | --channel C | ID...)
  silence    add --match KEY=VALUE... (--for 2h | --end T) [--start T] [--comment TEXT]
             | list [--json] | remove ID
             (KEY: category, severity, rule, host, product, field.NAME)
  replay     FILE (- for stdin) [--json] [--tail DURATION]
             feed a capture (lines as for classify) through the policy in its own time,
             print the notifications it would cause; nothing is sent or stored

options:
  --config FILE       configuration file (default ${DEFAULT_CONFIG}, or $EVENTGATE_CONFIG)
  --log-level LEVEL   ${LOG_LEVELS.join(', ')} (overrides log.level)
  --help              this text`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs | 'help' {
  let command: Command | undefined;
  let config = env.EVENTGATE_CONFIG ?? DEFAULT_CONFIG;
  let logLevel: CliArgs['logLevel'];
  let target: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--config' || flag === '-c') config = value();
    else if (flag === '--log-level') {
      const v = value();
      if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new UsageError(`unknown log level "${v}"`);
      logLevel = v as CliArgs['logLevel'];
    } else if (command !== undefined && WITH_REST.includes(command)) rest.push(a);
    else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else if (command === undefined) {
      if (!(COMMANDS as readonly string[]).includes(flag)) throw new UsageError(`unknown command "${flag}"`);
      command = flag as Command;
    } else if (POSITIONAL[command] && target === undefined) target = flag;
    else throw new UsageError(`unexpected argument "${flag}"`);
  }
  if (!command) throw new UsageError('no command given');
  const needs = POSITIONAL[command];
  if (needs && target === undefined) throw new UsageError(`${command} needs ${needs}`);
  return { command, config, rest, ...(logLevel ? { logLevel } : {}), ...(target !== undefined ? { target } : {}) };
}
