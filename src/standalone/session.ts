/*
 * The API key the standalone pages send when the backend requires keys. It is kept for the browser
 * tab only (sessionStorage), and the person acts as the key's name.
 */

const STORAGE_KEY = 'mahavishnu.apiKey';

export function storedKey(): string | undefined {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) || undefined;
  } catch {
    return undefined;
  }
}

export function storeKey(key: string | undefined): void {
  if (key) {
    window.sessionStorage.setItem(STORAGE_KEY, key);
  } else {
    window.sessionStorage.removeItem(STORAGE_KEY);
  }
}

/** The headers that say who calls: the key, or (no key) the standalone user's name as Grafana's proxy would. */
export function identityHeaders(user: string, key = storedKey()): Record<string, string> {
  return key ? { Authorization: `Bearer ${key}` } : { 'X-Grafana-User': user };
}

/** Whether the backend takes the pages' requests: 'ok', 'key' (a key is needed or the one given is refused). */
export async function checkAccess(user: string, key = storedKey()): Promise<'ok' | 'key'> {
  const res = await fetch('/api/v1/me', { headers: identityHeaders(user, key) });
  return res.status === 401 ? 'key' : 'ok';
}
