// Resolve hook for child processes that run the TypeScript sources directly (node
// --experimental-transform-types): the sources import `./x.js`, which is `./x.ts` on disk.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export async function resolve(specifier, context, nextResolve) {
  if ((specifier.startsWith(".") || specifier.startsWith("/")) && specifier.endsWith(".js") && context.parentURL?.startsWith("file:")) {
    const ts = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
  }
  return nextResolve(specifier, context);
}
