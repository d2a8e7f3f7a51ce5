// REDIS_URL as text: one endpoint, or the seed nodes of a Redis Cluster; and the hash-tag rule of key prefixes.

/** The URLs of REDIS_URL: one endpoint, or the comma-separated seed nodes of a Redis Cluster. */
export function redisSeedUrls(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * True when every key starting with `prefix` hashes to the slot of one hash tag: Redis hashes the text between
 * the first '{' and the first '}' after it, and only when that text is not empty.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

/** REDIS_URL without passwords, for messages (each seed of a list on its own). */
export function safeRedisUrl(url: string): string {
  return redisSeedUrls(url).map((s) => {
    try {
      const u = new URL(s);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '(unparseable REDIS_URL)';
    }
  }).join(',') || '(empty REDIS_URL)';
}

/** The passwords in REDIS_URL (every seed), so the logger can scrub them. */
export function redisUrlPasswords(url: string): string[] {
  const out: string[] = [];
  for (const s of redisSeedUrls(url)) {
    try {
      const pw = new URL(s).password;
      if (pw) out.push(decodeURIComponent(pw));
    } catch { /* validated already */ }
  }
  return out;
}
