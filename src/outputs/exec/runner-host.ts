/**
 * The hook runner process (see hook-runner.ts): runs each hook it is sent and replies with
 * the outcome, below the gateway's CPU priority (HOOK_NICE_INCREMENT). When the gateway
 * goes (the IPC channel closes), every hook still running is ended like a timed-out one,
 * and this process exits once they are.
 */
import { HOOK_NICE_INCREMENT, lowerOwnPriority, type RunnerMessage, type RunnerReply } from './hook-runner.js';
import { runHook } from './run-hook.js';

// Before any hook runs, so every hook inherits it (where not permitted, they run at ours).
lowerOwnPriority(HOOK_NICE_INCREMENT);

const running = new Map<number, AbortController>();

process.on('message', (m: RunnerMessage) => {
  if ('cancel' in m) {
    running.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  void runHook(m.request, controller.signal).then((outcome) => {
    running.delete(m.id);
    if (process.connected) process.send?.({ id: m.id, outcome } satisfies RunnerReply);
    else if (running.size === 0) process.exit(0);
  });
});

process.on('disconnect', () => {
  if (running.size === 0) process.exit(0);
  for (const c of running.values()) c.abort();
});
