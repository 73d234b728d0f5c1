/**
 * Policy sections outside routes: silences (maintenance windows from config) and absence
 * rules (an expected recurring event that did not arrive raises a problem).
 */
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { duration, identifier } from './common.js';
import { eventMatch } from './routes.js';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'use an ISO 8601 time, e.g. 2026-11-22T22:00:00Z')
  .transform((s) => Date.parse(s));

export const silence = z.strictObject({
  id: identifier.optional(),
  match: eventMatch,
  start: instant.meta({ description: 'ISO 8601 time the silence begins' }),
  end: instant.meta({ description: 'ISO 8601 time the silence ends' }),
  comment: z.string().default(''),
});
export type SilenceConfig = z.output<typeof silence>;

export const absence = z.strictObject({
  id: identifier,
  match: eventMatch.meta({ description: 'The event that is expected' }),
  within: duration.meta({ description: 'Raise a problem when no matching event arrived for this long' }),
  group_by: z.string().default('ComputerName').meta({ description: 'Field that tells sources apart (one expectation per value)' }),
  expect: z.array(z.string().min(1)).default([]).meta({ description: 'Values of group_by expected even before they were first seen' }),
  severity: z.enum(SEVERITIES).default('warning'),
});
export type AbsenceConfig = z.output<typeof absence>;
