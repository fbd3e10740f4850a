import { z } from 'zod';
import { EVENT_SEVERITIES, INCIDENT_STATUSES, INCIDENT_TYPES, SEVERITIES } from './vocabulary';

export * from './vocabulary';

/** An enum that accepts any case on input and is lower-case on the wire. */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(values));
}

export const IncidentTypeSchema = caseInsensitiveEnum(INCIDENT_TYPES);
export const SeveritySchema = caseInsensitiveEnum(SEVERITIES);
export const EventSeveritySchema = caseInsensitiveEnum(EVENT_SEVERITIES);
export const IncidentStatusSchema = caseInsensitiveEnum(INCIDENT_STATUSES);
