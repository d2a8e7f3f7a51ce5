/**
 * The SDK packages are CommonJS with `exports.default = Class`. Node's ESM loader hands a default import the whole
 * `module.exports` (so the class is `.default`), while some loaders (vitest's interop) hand over `exports.default`
 * itself. Accept both.
 */
export function cjsDefault<T>(imported: unknown): T {
  if (typeof imported === 'function') return imported as T;
  const inner = (imported as { default?: unknown } | null)?.default;
  if (typeof inner === 'function') return inner as T;
  throw new Error('cannot find the default export of a CommonJS module');
}
