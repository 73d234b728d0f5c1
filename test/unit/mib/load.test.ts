/**
 * MIB loading and the OID index: prefix lookups both ways, the built-in mibs/ directory,
 * and broken MIB files reported by name and skipped without stopping the good ones.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMibs } from '../../../src/mib/load.js';
import { createOidIndex } from '../../../src/mib/oid-index.js';
import { tempDir } from '../../helpers/temp.js';

const GOOD = `ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises, OBJECT-TYPE, NOTIFICATION-TYPE FROM SNMPv2-SMI;
acme OBJECT IDENTIFIER ::= { enterprises 99998 }
acmeTraps OBJECT IDENTIFIER ::= { acme 0 }
acmeVirus OBJECT-TYPE SYNTAX OCTET STRING MAX-ACCESS accessible-for-notify STATUS current DESCRIPTION "virus" ::= { acme 1 }
acmeVirusFound NOTIFICATION-TYPE OBJECTS { acmeVirus } STATUS current DESCRIPTION "found" ::= { acmeTraps 1 }
END
`;
const USES_GOOD = `ACME-EXT-MIB DEFINITIONS ::= BEGIN
IMPORTS acme FROM ACME-MIB;
acmeExt OBJECT IDENTIFIER ::= { acme 2 }
END
`;

describe('MIB loading', () => {
  it('loads the built-in MIBs: IF-MIB names and instance suffixes', () => {
    const { index, problems } = loadMibs([]);
    assert.deepEqual(problems, []);
    assert.equal(index.nameOf('1.3.6.1.6.3.1.1.5.3'), 'IF-MIB::linkDown');
    assert.equal(index.nameOf('1.3.6.1.2.1.1.3.0'), 'SNMPv2-MIB::sysUpTime.0', 'SMIv2 name preferred over RFC1213-MIB');
    assert.equal(index.nameOf('1.3.6.1.2.1.2.2.1.2.7'), 'IF-MIB::ifDescr.7');
    assert.equal(index.oidOf('IF-MIB::linkDown'), '1.3.6.1.6.3.1.1.5.3');
    assert.equal(index.oidOf('sysUpTime.0'), '1.3.6.1.2.1.1.3.0');
    assert.equal(index.oidOf('.1.3.6.1.4'), '1.3.6.1.4');
    assert.equal(index.oidOf('NOPE-MIB::x'), undefined);
    assert.equal(index.nameOf('2.999'), undefined);
  });

  it('reports broken files by name, skips them, and still loads the good ones in dependency order', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'A-EXT.txt'), USES_GOOD); // sorts before its dependency
    writeFileSync(join(dir, 'ACME-MIB.txt'), GOOD);
    writeFileSync(join(dir, 'MISSING-IMPORT.txt'), 'MISSING-MIB DEFINITIONS ::= BEGIN\nIMPORTS foo FROM NOWHERE-MIB;\nEND\n');
    writeFileSync(join(dir, 'garbage.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe]));
    writeFileSync(join(dir, 'TRUNCATED.txt'), 'TRUNC-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nt OBJECT IDENTIFIER ::= { enterprises\n');
    const { index, loaded, problems } = loadMibs([dir, join(dir, 'does-not-exist')]);
    assert.deepEqual(loaded.map((l) => l.module).filter((m) => m.startsWith('ACME')), ['ACME-MIB', 'ACME-EXT-MIB']);
    assert.equal(index.nameOf('1.3.6.1.4.1.99998.0.1'), 'ACME-MIB::acmeVirusFound');
    assert.equal(index.oidOf('ACME-EXT-MIB::acmeExt'), '1.3.6.1.4.1.99998.2');
    const byFile = (f: string) => problems.filter((p) => p.file === join(dir, f));
    assert.match(byFile('MISSING-IMPORT.txt')[0]!.message, /imports NOWHERE-MIB/);
    assert.match(byFile('garbage.bin')[0]!.message, /not a MIB module/);
    assert.ok(byFile('TRUNCATED.txt').length >= 1, 'the truncated MIB is reported');
    assert.ok(problems.some((p) => p.file === join(dir, 'does-not-exist')), 'a missing directory is reported');
    assert.equal(index.nameOf('1.3.6.1.6.3.1.1.5.3'), 'IF-MIB::linkDown', 'built-ins unaffected');
  });

  it('reports a duplicate module and keeps the first', (t) => {
    const a = tempDir(t);
    const b = tempDir(t);
    writeFileSync(join(a, 'ACME-MIB.txt'), GOOD);
    writeFileSync(join(b, 'ACME-MIB.txt'), GOOD);
    const { problems } = loadMibs([a, b]);
    assert.match(problems.find((p) => p.file === join(b, 'ACME-MIB.txt'))!.message, /already loaded/);
  });
});

describe('OID index', () => {
  const idx = createOidIndex([['1.3.6.1.2.1.1.3', 'RFC1213-MIB', 'sysUpTime'], ['1.3.6.1.2.1.1.3', 'SNMPv2-MIB', 'sysUpTime'], ['1.3.6.1.9', 'A-MIB', 'dup'], ['1.3.6.1.8', 'B-MIB', 'dup'], ['.1.2', 'X-MIB', 'unresolved']]);

  it('resolves qualified and bare names; an ambiguous bare name needs its module', () => {
    assert.equal(idx.oidOf('dup'), undefined);
    assert.equal(idx.oidOf('B-MIB::dup.4'), '1.3.6.1.8.4');
    assert.equal(idx.oidOf('sysUpTime.0'), '1.3.6.1.2.1.1.3.0');
    assert.equal(idx.nameOf('1.3.6.1.2.1.1.3.0'), 'SNMPv2-MIB::sysUpTime.0');
    assert.equal(idx.nameOf('not an oid'), undefined);
  });
});
