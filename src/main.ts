#!/usr/bin/env node
/**
 * Entry point: argv → command; the only module that calls process.exit.
 * Exit codes: 0 ok, 1 validation or delivery failure, 2 usage, 70 internal error.
 */
import { parseArgs, USAGE, UsageError } from './cli/args.js';
import { check, type Io } from './cli/check.js';
import { classify } from './cli/classify.js';
import { events } from './cli/events.js';
import { outbox } from './cli/outbox.js';
import { replay } from './cli/replay.js';
import { silence } from './cli/silence.js';
import { run } from './cli/run.js';
import { testNotify } from './cli/test-notify.js';
import { status } from './cli/status.js';

const io: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`eventgate: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(USAGE + '\n');
    return 0;
  }
  try {
    switch (args.command) {
      case 'run': return await run(args, io);
      case 'check': return await check(args.config, io, args.rest);
      case 'classify': return await classify(args.config, process.stdin, io);
      case 'test-notify': return await testNotify(args, io);
      case 'status': return await status(args.config, io);
      case 'events': return events(args.config, args.rest, io);
      case 'outbox': return outbox(args.config, args.rest, io);
      case 'silence': return silence(args.config, args.rest, io);
      case 'replay': return await replay(args.config, args.rest, io);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`eventgate ${args.command}: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Stdout may be a pipe still flushing; exit once it has drained.
    process.stdout.write('', () => process.exit(code));
  },
  (err) => {
    process.stderr.write(`eventgate: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
