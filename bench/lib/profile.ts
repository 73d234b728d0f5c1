/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function, highest first,
 * as a share of busy time (idle samples left out). With `startAt`, samples before the first
 * one with that function on its stack (e.g. dgram's `onMessage`) are skipped, so start-up
 * (module loading, config compilation) does not hide the steady state. Pure.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  readonly fn: string;
  readonly where: string;
  readonly selfMs: number;
  readonly percent: number;
}

export function hotSpots(p: CpuProfile, top = 20, root?: string, startAt?: string): HotSpot[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const onStack = (id: number | undefined, fn: string): boolean => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)?.callFrame.functionName === fn) return true;
    return false;
  };
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  let started = startAt === undefined;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const dt = p.timeDeltas[i] ?? 0;
    if (!node) continue;
    if (!started && !(started = onStack(node.id, startAt!))) continue;
    if (node.callFrame.functionName === '(idle)') continue;
    total += dt;
    const cf = node.callFrame;
    const fn = cf.functionName || '(anonymous)';
    let url = cf.url.replace(/^file:\/\//, '');
    if (root && url.startsWith(root)) url = url.slice(root.length + 1);
    const where = url ? `${url}:${cf.lineNumber + 1}` : '';
    const key = `${fn}\u0000${where}`;
    const e = self.get(key) ?? { fn, where, us: 0 };
    e.us += dt;
    self.set(key, e);
  }
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), percent: total > 0 ? Math.round((1000 * e.us) / total) / 10 : 0 }));
}
