/**
 * Counting the processes of a hook's process group from /proc (Linux), so the exec output
 * can stop a hook that forks without bound. Zombies are not counted: they hold no memory or
 * CPU and vanish when reaped. A process that left the group (setsid) is not seen here; the
 * service's TasksMax= (systemd) is the hard bound for those.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Live processes whose process group is `pgid`; undefined when /proc cannot be read. */
export async function countProcessGroup(pgid: number, proc = '/proc'): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(proc);
  } catch {
    return undefined;
  }
  const counts = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map(async (pid) => {
    try {
      const stat = await readFile(`${proc}/${pid}/stat`, 'latin1');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return rest[0] !== 'Z' && Number(rest[2]) === pgid ? 1 : 0;
    } catch {
      return 0; // the process ended while we looked
    }
  }));
  return counts.reduce<number>((a, b) => a + b, 0);
}
