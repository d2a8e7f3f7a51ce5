import { existsSync } from 'node:fs';

/**
 * A module as `npm run build` bundled it into one file (`bundleName`, next to the importing module `from`, its
 * import.meta.url; scripts/bundle.mjs), when running compiled and the bundle is there: it starts on less CPU than the
 * hundreds of files it replaces. Otherwise `unbundled()` (the module as tsc emitted it, or its source under tsx).
 */
export async function importBundled<T>(from: string, bundleName: string, unbundled: () => Promise<T>): Promise<T> {
  const bundle = new URL(`./${bundleName}`, from);
  return from.endsWith('.js') && existsSync(bundle) ? (await import(bundle.href)) as T : unbundled();
}
