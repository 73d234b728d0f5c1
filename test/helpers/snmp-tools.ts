/**
 * Runs Debian's net-snmp command-line tools (snmptrap, snmpinform, snmpget, ...) without
 * blocking the event loop, so a gateway in the same process keeps receiving. MIB loading is
 * switched off (numeric OIDs only); every run has a deadline.
 */
import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function snmpTool(tool: string, args: readonly string[], timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, [...args], { timeout: timeoutMs, env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Options of a v3 sender: user, level and passphrases (`-l/-a/-A/-x/-X`). */
export function v3(user: string, level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv', auth?: [string, string], priv?: [string, string]): string[] {
  return ['-v', '3', '-u', user, '-l', level, ...(auth ? ['-a', auth[0], '-A', auth[1]] : []), ...(priv ? ['-x', priv[0], '-X', priv[1]] : [])];
}

/** One inform attempt with a short timeout: exit 0 means it was acknowledged. */
export const INFORM_ONCE = ['-t', '2', '-r', '0'];
