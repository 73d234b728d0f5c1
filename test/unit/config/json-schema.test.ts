import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonSchemas } from '../../../src/config/json-schema.js';

const CONFIG_DIR = join(import.meta.dirname, '../../../config');

test('the committed JSON Schemas match the zod schemas (run `npm run schema` when this fails)', () => {
  for (const [name, text] of Object.entries(jsonSchemas())) {
    assert.equal(readFileSync(join(CONFIG_DIR, name), 'utf8'), text, `${name} is stale`);
  }
});

test('the config schema describes the top-level sections and rejects unknown keys', () => {
  const schema = JSON.parse(jsonSchemas()['eventgate.schema.json']!);
  assert.deepEqual(Object.keys(schema.properties).sort(), ['absence', 'categories', 'channels', 'http', 'listeners', 'log', 'mibs', 'queue', 'routes', 'rules', 'silences', 'store']);
  assert.equal(schema.additionalProperties, false);
});
