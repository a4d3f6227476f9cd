// Lets a plain `node` child process run the TypeScript sources as they are, the way jest does:
// Node strips the types itself, and this maps an import of `./x.js` to `./x.ts` when only the
// source exists. Load it with `node --import <this file>`.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relativeJs = /^\.\.?\//.test(specifier) && specifier.endsWith(".js");
      if (!relativeJs || (error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
      return nextResolve(`${specifier.slice(0, -".js".length)}.ts`, context);
    }
  },
});
