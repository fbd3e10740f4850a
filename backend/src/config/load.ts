import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { refusedTargets } from '../security/outbound';
import { ConfigSchema, type Config } from './schema';

/** A configuration that cannot be used; the message names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the command line may set; it wins over the environment, which wins over the file. */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
  configFile?: string;
}

type Json = Record<string, unknown>;

/** Reads the YAML file (if any), applies the environment and the flags, and validates the whole. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file = overrides.configFile ?? env.MAHAVISHNU_CONFIG;
  const raw: Json = file ? readYaml(file) : {};
  const set = (section: string, key: string, value: unknown) => {
    if (value === undefined) {
      return;
    }
    const sec = (raw[section] ??= {}) as Json;
    sec[key] = value;
  };
  set('server', 'port', envInt(env, 'MAHAVISHNU_PORT'));
  set('server', 'host', env.MAHAVISHNU_HOST || undefined);
  set('store', 'data_dir', env.MAHAVISHNU_DATA_DIR || undefined);
  if (env.MAHAVISHNU_STORE_URL) {
    set('store', 'kind', 'postgres');
    set('store', 'url', env.MAHAVISHNU_STORE_URL);
  }
  set('store', 'schema', env.MAHAVISHNU_STORE_SCHEMA || undefined);
  set('log', 'level', env.MAHAVISHNU_LOG_LEVEL || undefined);
  set('cluster', 'advertise_url', env.MAHAVISHNU_ADVERTISE_URL || undefined);
  set('cluster', 'replica_id', env.MAHAVISHNU_REPLICA_ID || undefined);
  set('server', 'port', overrides.port);
  set('server', 'host', overrides.host);
  set('store', 'data_dir', overrides.dataDir);
  return parseConfig(raw, file ?? 'configuration');
}

/**
 * Validates a configuration object; every problem is reported with its dotted key. Receivers and
 * http actions written as an internal IP address that the outbound allowlist does not name are
 * refused here already; host names are judged when they are resolved, at connect time.
 */
export function parseConfig(raw: unknown, origin = 'configuration'): Config {
  const result = ConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${origin}:\n${lines.join('\n')}`);
  }
  const refused = refusedConfigTargets(result.data);
  if (refused.length > 0) {
    const lines = refused.map((r) => `  ${r.path}: ${r.message}`);
    throw new ConfigError(`invalid ${origin}:\n${lines.join('\n')}`);
  }
  return result.data;
}

function readYaml(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) {
    return {};
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`config file ${file} must hold a mapping at the top level`);
  }
  return doc as Json;
}

function envInt(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const v = env[key];
  if (v === undefined || v === '') {
    return undefined;
  }
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw new ConfigError(`${key} must be an integer, got "${v}"`);
  }
  return n;
}

/** The outbound targets of a config (receivers, http actions) that the SSRF guard refuses outright. */
function refusedConfigTargets(config: Config): Array<{ path: string; message: string }> {
  const roots: Array<{ path: string[]; value: unknown }> = [{ path: ['notification', 'channels'], value: config.notification.channels }];
  for (const [id, binding] of Object.entries(config.remediation.actions)) {
    if (binding.executor.kind === 'http') {
      roots.push({ path: ['remediation', 'actions', id, 'executor', 'url'], value: binding.executor.url });
    }
  }
  return refusedTargets(config.security.outbound.allowlist, roots);
}
