/**
 * `npm run bench:bundle`: each Lambda bundle's size, and the HTTP bundle's cold-import time
 * (median of 10 fresh `node` processes, measured inside each process around `import()`).
 * Prints figures; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFunction, FUNCTION_ENTRIES, type FunctionName } from "../scripts/build-functions.js";

const outdir = mkdtempSync(join(tmpdir(), "sv-bench-bundle-"));
for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
  if (!existsSync(FUNCTION_ENTRIES[name])) {
    console.log(`${name}: not built (${FUNCTION_ENTRIES[name]} does not exist yet)`);
    continue;
  }
  const built = await buildFunction(name, outdir);
  const top = Object.entries(built.entryPackages)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(", ");
  console.log(
    `${name}: ${(built.bytes / 1024).toFixed(0)} KiB minified (${built.bytes} bytes); largest: ${top}`,
  );
  const where = (pkg: string): string =>
    built.entryPackages[pkg]
      ? "yes, in the cold-start path"
      : built.packages[pkg]
        ? "only in lazily loaded chunks"
        : "no";
  console.log(`  contains Baileys: ${where("@whiskeysockets/baileys")}; GramJS: ${where("telegram")}`);
  if (name !== "api") continue;

  const env = {
    PATH: process.env.PATH,
    SESSIONVAULT_DATA_DIR: mkdtempSync(join(tmpdir(), "sv-bench-data-")),
    SESSIONVAULT_MASTER_KEY: randomBytes(32).toString("base64"),
    SESSIONVAULT_ADMIN_KEY: "bench",
    LOG_LEVEL: "silent",
  };
  const script = `const t = performance.now(); await import(${JSON.stringify(built.outfile)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { env }).toString();
    times.push(Number(out.trim()));
  }
  times.sort((a, b) => a - b);
  const median = (times[4]! + times[5]!) / 2;
  console.log(
    `  cold import: median ${median.toFixed(1)} ms over 10 processes (min ${times[0]!.toFixed(1)}, max ${times[9]!.toFixed(1)})`,
  );
}
