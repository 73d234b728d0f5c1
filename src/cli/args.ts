/**
 * Command-line parsing: `eventgate <command> [--config FILE] [--log-level LEVEL]`.
 * Usage errors become exit status 2.
 */
import { LOG_LEVELS } from '../observe/logger.js';

export const DEFAULT_CONFIG = '/etc/eventgate/eventgate.yaml';
export const COMMANDS = ['run', 'check', 'classify'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command;
  readonly config: string;
  readonly logLevel?: (typeof LOG_LEVELS)[number];
}

export const USAGE = `usage: eventgate <command> [options]

commands:
  run        run the gateway
  check      validate the configuration and run every rule example
  classify   read syslog lines on stdin, print how each is classified and routed (JSON)

options:
  --config FILE       configuration file (default ${DEFAULT_CONFIG}, or $EVENTGATE_CONFIG)
  --log-level LEVEL   ${LOG_LEVELS.join(', ')} (overrides log.level)
  --help              this text`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs | 'help' {
  let command: Command | undefined;
  let config = env.EVENTGATE_CONFIG ?? DEFAULT_CONFIG;
  let logLevel: CliArgs['logLevel'];
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
    } else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else if (command === undefined) {
      if (!(COMMANDS as readonly string[]).includes(flag)) throw new UsageError(`unknown command "${flag}"`);
      command = flag as Command;
    } else throw new UsageError(`unexpected argument "${flag}"`);
  }
  if (!command) throw new UsageError('no command given');
  return { command, config, ...(logLevel ? { logLevel } : {}) };
}
