// esbuild plugins for the Lambda bundles. SST loads this file (`nodejs.plugins` in infra/api.ts
// and infra/cron.ts) and so does scripts/build-functions.ts, so the bundles the tests run and
// measure are the ones `sst deploy` ships. Plain JavaScript: SST imports it with bare `node`.
//
// SST runs plugins in a separate node process and asks it about every path: it tests each
// callback's `filter` against the string "undefined" (not the path), so every filter here is
// /.*/ and the real test is done in the callback; returning undefined hands the path back to esbuild.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const NAMESPACE = "sessionvault";
const EN_LOCALES = "zod-locales-en";

/**
 * zod 4 re-exports every error-message locale (~250 KB minified) through `z.locales`, which
 * defeats tree shaking; the API only ever speaks English, so its bundle gets `en` alone.
 */
export const onlyEnglishZodLocales = {
  name: "only-english-zod-locales",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      /(^|\/)locales\/index\.js$/.test(args.path) && args.importer.includes("/node_modules/zod/")
        ? { path: EN_LOCALES, namespace: NAMESPACE }
        : undefined,
    );
    build.onLoad({ filter: /.*/ }, (args) =>
      args.namespace === NAMESPACE && args.path === EN_LOCALES
        ? {
            contents: `export { default as en } from ${JSON.stringify(join(root, "node_modules/zod/v4/locales/en.js"))};`,
            resolveDir: root,
            loader: "js",
          }
        : undefined,
    );
  },
};

export default [onlyEnglishZodLocales];
