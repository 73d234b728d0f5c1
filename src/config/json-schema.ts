/**
 * The JSON Schema for editors, generated from the same zod schema the loader validates
 * with (input side: what a person writes, before defaults and unit parsing).
 */
import { z } from 'zod';
import { configSchema } from './schema/root.js';
import { rulesFile } from './schema/rules.js';

function render(schema: z.ZodType, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return JSON.stringify({ ...json, title }, null, 2) + '\n';
}

/** Schema files by name, as written to config/ (`npm run schema`). */
export function jsonSchemas(): Record<string, string> {
  return {
    'eventgate.schema.json': render(configSchema, 'eventgate configuration'),
    'rules.schema.json': render(rulesFile, 'eventgate rule file'),
  };
}
