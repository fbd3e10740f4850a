import type { StoredEvent } from '../domain/records';
import { severityRank } from '../schema/enums';
import { compileMatcherRegex, type RuleMatch } from '../schema/rules';

/** A glob where `*` matches any run of characters (and nothing else is special), as a regex. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Runs for every event and rule: written as loops, with no closure or array made per call. */
function anyGlob(globs: string[]): (value: string) => boolean {
  const exact = new Set(globs.filter((g) => !g.includes('*')));
  const patterns = globs.filter((g) => g.includes('*')).map(globToRegExp);
  if (patterns.length === 0) {
    return (value) => exact.has(value);
  }
  return (value) => {
    if (exact.has(value)) {
      return true;
    }
    for (const re of patterns) {
      if (re.test(value)) {
        return true;
      }
    }
    return false;
  };
}

/** Reads `metadata.a.b` style paths out of an event's metadata, as a string for matching. */
export function metadataValue(metadata: Record<string, unknown>, key: string): string {
  let v: unknown = metadata;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object') {
      return '';
    }
    v = (v as Record<string, unknown>)[part];
  }
  if (v === undefined || v === null) {
    return '';
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A stored rule's pattern. The API takes RE2 syntax only; a rule stored before it did, with syntax
 * RE2 lacks (a lookahead, a backreference), keeps matching as JavaScript's RegExp did rather than
 * stopping the engine from loading its rules.
 */
function storedRegex(pattern: string): (value: string) => boolean {
  try {
    return compileMatcherRegex(pattern);
  } catch {
    const re = new RegExp(`^(?:${pattern})$`);
    return (value) => re.test(value);
  }
}

/** Compiles a rule's `match` into a predicate over events. Regex matchers are RE2 and anchored, as Alertmanager's. */
export function compileMatch(match: RuleMatch): (e: StoredEvent) => boolean {
  const typeOk = anyGlob(match.event_types);
  const sourceOk = match.sources && match.sources.length > 0 ? anyGlob(match.sources) : () => true;
  const minRank = match.min_severity ? severityRank(match.min_severity) : -1;
  const metaTests = (match.metadata ?? []).map((m) => {
    const matches = m.op === '=~' || m.op === '!~' ? storedRegex(m.value) : null;
    return (e: StoredEvent) => {
      const v = metadataValue(e.metadata, m.key);
      switch (m.op) {
        case '=':
          return v === m.value;
        case '!=':
          return v !== m.value;
        case '=~':
          return matches!(v);
        case '!~':
          return !matches!(v);
      }
    };
  });
  return (e) => {
    if (!typeOk(e.event_type) || !sourceOk(e.source) || severityRank(e.severity) < minRank) {
      return false;
    }
    for (const t of metaTests) {
      if (!t(e)) {
        return false;
      }
    }
    return true;
  };
}

/** The group an event falls in for a rule's `group_by` fields; '' when the rule has one group. */
export function groupKeyOf(groupBy: string[], e: StoredEvent): string {
  let key = '';
  for (let i = 0; i < groupBy.length; i++) {
    const field = groupBy[i];
    const v = field.startsWith('metadata.') ? metadataValue(e.metadata, field.slice('metadata.'.length)) : ((e as unknown as Record<string, unknown>)[field] ?? '');
    key += `${i > 0 ? ',' : ''}${field}=${v as string}`;
  }
  return key;
}
