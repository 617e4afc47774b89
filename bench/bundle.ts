/**
 * `npm run bench:bundle`: each Lambda bundle's size, and the HTTP bundle's cold-import time
 * (median of 10 fresh `node` processes, measured inside each process around `import()`), with the
 * environment a deployed function has (SST links: the aws adapter; no AWS call is made at import).
 * Prints figures; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BuiltFunction,
  buildFunction,
  FUNCTION_ENTRIES,
  type FunctionName,
} from "../scripts/build-functions.js";

const KiB = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
const load = (): string => loadavg()[0]!.toFixed(2);
const outdir = mkdtempSync(join(tmpdir(), "sv-bench-bundle-"));
console.log(`load average at start: ${load()}`);

for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
  const built = await buildFunction(name, outdir);
  console.log(`${name}: cold-start path ${KiB(built.bytes)} minified (${built.bytes} bytes)`);
  console.log(`  largest on it: ${largest(built.entryPackages)}`);
  console.log(`  with lazily loaded chunks: ${KiB(built.totalBytes)}; only in them: ${lazyOnly(built)}`);
  console.log(`  Baileys: ${where(built, "@whiskeysockets/baileys")}; GramJS: ${where(built, "telegram")}`);
  if (name !== "api") continue;

  const times = coldImports(built.outfile, 10);
  const median = (times[4]! + times[5]!) / 2;
  console.log(
    `  cold import: median ${median.toFixed(1)} ms over ${times.length} processes (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)})`,
  );
}

console.log(`load average at end: ${load()}`);

// --- Internal helpers ---

/** Sorted milliseconds of `import(outfile)`, one fresh process each, with a deployed function's env. */
function coldImports(outfile: string, runs: number): number[] {
  const env = {
    PATH: process.env.PATH,
    SST_RESOURCE_App: JSON.stringify({ name: "sessionvault", stage: "bench" }),
    SST_RESOURCE_SessionvaultTable: JSON.stringify({ name: "sessionvault-bench" }),
    SST_RESOURCE_SessionvaultBlobs: JSON.stringify({ name: "sessionvault-bench" }),
    SST_RESOURCE_MasterKey: JSON.stringify({ value: randomBytes(32).toString("base64") }),
    SST_RESOURCE_AdminKey: JSON.stringify({ value: "bench" }),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    LOG_LEVEL: "silent",
  };
  const script = `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // stderr ignored: the AWS SDK warns on Node 20 that later releases will need Node 22.
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    times.push(Number(out.toString().trim()));
  }
  return times.sort((a, b) => a - b);
}

function largest(packages: Record<string, number>): string {
  return Object.entries(packages)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([pkg, bytes]) => `${pkg} ${KiB(bytes)}`)
    .join(", ");
}

function lazyOnly(built: BuiltFunction): string {
  const lazy = Object.entries(built.packages).filter(([pkg]) => !built.entryPackages[pkg]);
  const bytes = lazy.reduce((sum, [, b]) => sum + b, 0);
  return lazy.length === 0
    ? "nothing"
    : `${lazy.length} packages, ${KiB(bytes)} (largest: ${largest(Object.fromEntries(lazy))})`;
}

function where(built: BuiltFunction, pkg: string): string {
  if (built.entryPackages[pkg]) return `on the cold-start path (${KiB(built.entryPackages[pkg])})`;
  if (built.packages[pkg]) return `only in lazily loaded chunks (${KiB(built.packages[pkg])})`;
  return "not in the bundle";
}
