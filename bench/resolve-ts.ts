/**
 * Lets Node run the bench's TypeScript as written. The project's imports omit
 * the extension (`./load/driver`, resolved by bundlers and vitest), which Node's
 * own resolver refuses; this hook retries a relative import that was not found
 * with `.ts` added. Loaded with `node --import ./bench/resolve-ts.ts` (worker
 * threads inherit the flag).
 */
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (!relative || (err as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw err;
      return nextResolve(`${specifier}.ts`, context);
    }
  },
});
