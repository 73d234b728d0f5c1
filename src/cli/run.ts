/**
 * `eventgate run`: the service. Binds nothing when the config is invalid (exit 1).
 * SIGTERM/SIGINT stop gracefully (exit 0); SIGHUP reloads, keeping the running config when
 * the new one is invalid; a bug (uncaught error) is logged as fatal and exits 70.
 */
import { buildGateway } from '../app/gateway.js';
import { formatIssue } from '../config/source-map.js';
import { createLogger, type Logger } from '../observe/logger.js';
import type { CliArgs } from './args.js';
import type { Io } from './check.js';
import { loadPlan, printIssues } from './load-plan.js';

const STOP_GRACE_MS = 4000;
export const EXIT_BUG = 70;

/**
 * A bug reached the top: log it as fatal (pino writes synchronously) and exit non-zero, so
 * systemd restarts the service; the outbox makes that safe.
 */
export function fatalHandler(log: Logger, kind: string, exit: (code: number) => void): (err: unknown) => void {
  return (err) => {
    log.fatal({ err }, `${kind}: exiting`);
    exit(EXIT_BUG);
  };
}

export async function run(args: CliArgs, io: Io): Promise<number> {
  const first = loadPlan(args.config);
  if (!first.ok) {
    printIssues(first.issues, io.stderr);
    io.stderr(`${args.config}: configuration invalid; not starting\n`);
    return 1;
  }
  // JSON for journald and pipes; readable lines when a person watches a terminal.
  const log = createLogger({ level: args.logLevel ?? first.plan.loaded.config.log.level, readable: process.stdout.isTTY === true });
  process.on('uncaughtException', fatalHandler(log, 'uncaught exception', process.exit));
  process.on('unhandledRejection', fatalHandler(log, 'unhandled rejection', process.exit));

  let gateway;
  try {
    gateway = buildGateway(first.plan, { log });
  } catch (err) {
    log.fatal({ err, code: (err as { code?: string }).code }, 'could not open the state directory');
    return 1;
  }
  try {
    await gateway.start();
  } catch (err) {
    log.fatal({ err }, 'could not start listeners');
    return 1;
  }
  const http = gateway.httpAddress();
  log.info({ config: first.plan.loaded.file, addresses: gateway.addresses(), ...(http ? { http } : {}) }, 'listening');

  return new Promise<number>((resolve) => {
    let stopping = false;
    let reloading = Promise.resolve();
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      void reloading.then(() => gateway.stop(STOP_GRACE_MS)).then(() => resolve(0), (err) => {
        log.error({ err }, 'error while stopping');
        resolve(1);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      if (stopping) return;
      reloading = reloading.then(async () => {
        const next = loadPlan(args.config);
        if (!next.ok) {
          const issues = next.issues.map(formatIssue);
          log.error({ issues }, 'reload rejected: configuration invalid; keeping the running configuration');
          gateway.reloadRejected(issues);
          return;
        }
        if (!args.logLevel) log.level = next.plan.loaded.config.log.level;
        await gateway.reload(next.plan);
      }).catch((err) => log.error({ err }, 'reload failed'));
    });
  });
}
