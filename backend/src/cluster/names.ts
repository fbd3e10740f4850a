import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** A replica's default name: host, process and a random suffix (a restarted process is a new replica). */
export function defaultReplicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** FNV-1a over the text, as a positive 31-bit integer: an advisory lock key, a channel suffix. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

/** The first key of every advisory lock of ours ("MH"); the second names what is locked in which schema. */
export const LOCK_SPACE = 0x4d48;

/** Advisory lock keys and notification channels of one store (one schema): tenants in one database never meet. */
export function clusterNames(schema: string) {
  const h = fnv(schema).toString(36);
  return {
    engineLock: fnv(`engine:${schema}`),
    appendLock: fnv(`append:${schema}`),
    channels: { events: `mhv_events_${h}`, keys: `mhv_keys_${h}`, rules: `mhv_rules_${h}`, incidents: `mhv_incidents_${h}` },
  };
}
