// Writes config/*.schema.json from the zod schemas (npm run schema).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../src/config/json-schema.js';

for (const [name, text] of Object.entries(jsonSchemas())) {
  const out = join(import.meta.dirname, '..', 'config', name);
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
