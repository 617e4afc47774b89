/**
 * Bundles the Lambda functions the way `sst deploy` does (sst 4's Node runtime, pkg/runtime/node:
 * esbuild, ESM, esnext, keepNames, minified, `nodejs.splitting`, its `require`/`__dirname`
 * banner, sharp and pg-native external) with the same plugins file infra/ hands to SST. The
 * handler file lands at the root of the function's directory, as in the deployed package.
 * `npm run build:functions` writes them to dist/functions/; the bundle tests and
 * `npm run bench:bundle` use the same builder.
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import plugins from "../infra/esbuild-plugins.mjs";

export const FUNCTION_ENTRIES = {
  api: "functions/api/lambda.ts",
  cleanup: "functions/cleanup/lambda.ts",
} as const;

/** sql.js's WebAssembly binary; it is not JavaScript, so it ships beside the bundle. */
export const SQL_WASM = "node_modules/sql.js/dist/sql-wasm.wasm";

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

export interface BuiltFunction {
  name: FunctionName;
  outfile: string;
  /** What a cold start loads: the entry and the chunks it imports statically. */
  bytes: number;
  /** Entry plus lazily loaded chunks. */
  totalBytes: number;
  /** Input packages by bundled bytes over every output, for "what made it heavy" questions. */
  packages: Record<string, number>;
  /** The same, for what a cold start loads only. */
  entryPackages: Record<string, number>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildFunction(
  name: FunctionName,
  outdir = join(root, "dist/functions"),
): Promise<BuiltFunction> {
  const dir = join(outdir, name);
  const outfile = join(dir, "lambda.mjs");
  // Chunk names carry content hashes: a previous build's chunks would linger and be counted.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
    entryPoints: { lambda: join(root, FUNCTION_ENTRIES[name]) },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    // Dynamic imports (GramJS, qrcode, sql.js) become chunks that a cold start does not load.
    splitting: true,
    chunkNames: "[name]-[hash]",
    bundle: true,
    minify: true,
    keepNames: true,
    format: "esm",
    platform: "node",
    target: "esnext",
    mainFields: ["module", "main"],
    external: ["sharp", "pg-native"],
    metafile: true,
    logLevel: "error",
    plugins,
    banner: {
      // SST's banner, verbatim: CommonJS dependencies expect `require` and `__dirname` (sql.js
      // finds its .wasm through it).
      js: [
        "import { createRequire as topLevelCreateRequire } from 'module';",
        "const require = topLevelCreateRequire(import.meta.url);",
        'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
        "const __filename = topLevelFileUrlToPath(import.meta.url)",
        'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
      ].join("\n"),
    },
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith(".mjs"));
  const packages = packageSizes(outputs.map(([, o]) => o));
  const coldStart = staticClosure(
    result.metafile,
    outputs.find(([path]) => path.endsWith("/lambda.mjs"))![0],
  );
  // sql.js loads its WebAssembly next to the bundle; infra/api.ts ships it with `copyFiles`.
  if (packages["sql.js"]) await copyFile(join(root, SQL_WASM), join(dir, "sql-wasm.wasm"));
  return {
    name,
    outfile,
    bytes: coldStart.reduce((sum, o) => sum + o.bytes, 0),
    totalBytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0),
    packages,
    entryPackages: packageSizes(coldStart),
  };
}

// --- Internal helpers ---

/** The output `entry` and every output it reaches through static imports (not `import()`). */
function staticClosure(metafile: Metafile, entry: string): Metafile["outputs"][string][] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path) || !metafile.outputs[path]) return;
    seen.add(path);
    for (const imp of metafile.outputs[path]!.imports) if (imp.kind === "import-statement") visit(imp.path);
  };
  visit(entry);
  return [...seen].map((path) => metafile.outputs[path]!);
}

function packageSizes(outputs: Metafile["outputs"][string][]): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const output of outputs) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const pkg = match ? match[1]! : "(project)";
      sizes[pkg] = (sizes[pkg] ?? 0) + bytesInOutput;
    }
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
    const built = await buildFunction(name);
    process.stdout.write(
      `${name}: ${built.outfile} ${(built.bytes / 1024).toFixed(0)} KiB (${(built.totalBytes / 1024).toFixed(0)} KiB with lazy chunks)\n`,
    );
  }
}
