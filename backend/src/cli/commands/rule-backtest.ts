import { readFileSync } from 'node:fs';
import { UnreachableError, type MahavishnuClient } from '../../client/client';
import { ConfigSchema } from '../../config/schema';
import { BUILTIN_RULES } from '../../detection/builtin-rules';
import { testRule } from '../../rules/rule-tester';
import type { DetectionRule, RuleTestResult } from '../../schema/rules';
import { ValidationError } from '../../util/errors';
import { UsageError } from '../command-table';
import type { Output } from '../output';

/** Thrown when the events or the rule cannot be tested (exit 1, not a usage mistake). */
export class BacktestError extends Error {
  override name = 'BacktestError';
}

/**
 * Reads a file of events: a JSON array, `{"events": [...]}`, or JSON lines (one event per line).
 * A file that cannot be read or parsed is a usage mistake.
 */
export function readEventsFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --events ${path}: ${(err as Error).message}`);
  }
  try {
    const whole: unknown = JSON.parse(text);
    if (Array.isArray(whole)) {
      return whole;
    }
    if (whole && typeof whole === 'object' && Array.isArray((whole as { events?: unknown }).events)) {
      return (whole as { events: unknown[] }).events;
    }
    return [whole];
  } catch {
    // not one JSON document: JSON lines
  }
  const events: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) {
      return;
    }
    try {
      events.push(JSON.parse(line));
    } catch (err) {
      throw new UsageError(`--events ${path} is neither a JSON array nor JSON lines: line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return events;
}

/**
 * The rule to test: the backend's definition when it answers, else (nothing listening) the
 * built-in one of that id. Says on stderr which one is used.
 */
export async function ruleForTest(client: MahavishnuClient, id: string, out: Output): Promise<DetectionRule> {
  try {
    const rule = await client.getRule(id);
    out.note(`Testing rule ${id} as the backend at ${client.url} defines it`);
    return rule;
  } catch (err) {
    if (!(err instanceof UnreachableError)) {
      throw err;
    }
    const builtin = BUILTIN_RULES.find((r) => r.rule_id === id);
    if (!builtin) {
      throw new BacktestError(
        `no backend at ${client.url} to read rule ${id} from, and ${id} is not a built-in rule (built-in: ${BUILTIN_RULES.map((r) => r.rule_id).join(', ')}); start the backend or pass --url`
      );
    }
    out.note(`No backend at ${client.url}: testing the built-in definition of ${id}`);
    return builtin;
  }
}

/**
 * The backtest the server runs for `POST /api/v1/rules/{id}/test`, run here: events count as
 * arriving at their own timestamps, in the order given, with the backend's default event retention
 * and max_events; nothing is stored anywhere.
 */
export function backtest(rule: DetectionRule, events: unknown[]): RuleTestResult {
  const { events_retention_seconds, max_events } = ConfigSchema.parse({}).detection;
  const times = events.map(timestampOf).filter((t): t is number => t !== null);
  const now = times.length ? times.reduce((a, b) => Math.max(a, b)) : Date.now();
  try {
    return testRule(rule, events, { retentionSeconds: events_retention_seconds, maxEvents: max_events, now });
  } catch (err) {
    if (err instanceof ValidationError) {
      const more = (err.details ?? []).slice(1, 6).map((d) => `\n  ${d.field}: ${d.message}`);
      throw new BacktestError(`invalid event: ${err.message}${more.join('')}`);
    }
    throw err;
  }
}

function timestampOf(e: unknown): number | null {
  const t = (e as { timestamp?: unknown } | null)?.timestamp;
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : null;
}
