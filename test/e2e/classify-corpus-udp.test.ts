/**
 * A mixed corpus of vendor lines (test/fixtures/classify/vendor-corpus.jsonl) sent over UDP
 * (node:dgram) to a running `eventgate run` with every shipped rule pack; each line must
 * come out of the JSON log channel classified as the fixture says.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

interface CorpusLine {
  line: string;
  rule: string | null;
  category: string;
  severity?: string;
  fields: Record<string, string>;
}

interface Item {
  ruleId: string | null;
  category: string;
  severity: string;
  fields: Record<string, string>;
  message: string;
}

const corpus = readFileSync(join(ROOT, 'test/fixtures/classify/vendor-corpus.jsonl'), 'utf8')
  .trim().split('\n').map((l) => JSON.parse(l) as CorpusLine);

describe('vendor corpus over UDP through a running gateway', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let dir: string;

  before(async () => {
    dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  out: { type: log, format: json }
routes:
  - match: {}
    channels: [out]
`, { EVENTGATE_REGEX_CACHE: join(dir, 'regex-cache.json') });
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  it(`classifies all ${corpus.length} lines as the fixture says`, async () => {
    const socket = createSocket('udp4');
    const port = gw.port('udp');
    for (const c of corpus) {
      await new Promise<void>((resolve, reject) => socket.send(Buffer.from(c.line, 'utf8'), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    }
    socket.close();
    const items = () => gw.lines.flatMap((l) => {
      if (!l.startsWith('{"notification"')) return [];
      return (JSON.parse(l) as { items: Item[] }).items;
    });
    await waitFor(() => items().length >= corpus.length, `${corpus.length} notifications`, 20_000);
    const got = items();
    for (const c of corpus) {
      const item = got.find((i) => i.ruleId === c.rule && c.line.endsWith(i.message.slice(-20)));
      assert.ok(item, `a notification for rule ${c.rule} (${c.line.slice(0, 60)})`);
      assert.equal(item.category, c.category, `category for ${c.rule}`);
      if (c.severity) assert.equal(item.severity, c.severity, `severity for ${c.rule}`);
      for (const [k, v] of Object.entries(c.fields)) assert.equal(item.fields[k], v, `${k} for ${c.rule}`);
    }
  });
});
