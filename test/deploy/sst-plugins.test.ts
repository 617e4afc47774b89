import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
/** SST's own plugin host: `sst deploy` runs it with bare node and talks JSON lines to it. */
const SST_PLUGIN_HOST = `${repo}.sst/platform/functions/nodejs-runtime/plugin.mjs`;
const PLUGINS = `${repo}infra/esbuild-plugins.mjs`;

/**
 * infra/esbuild-plugins.mjs as `sst deploy` runs it (`nodejs.plugins`): through SST's plugin host,
 * which forwards esbuild's resolve and load calls as JSON lines. scripts/build-functions.ts uses
 * the same plugins in-process, so this is what makes the deployed bundle the one the tests measure.
 */
describe("esbuild plugins through SST's plugin host", () => {
  it("sends zod's locale index to English only, and leaves every other path to esbuild", async () => {
    if (!existsSync(SST_PLUGIN_HOST))
      throw new Error(`${SST_PLUGIN_HOST} is missing: run \`npm run typecheck:infra\` (sst install) first`);
    const host = spawn(process.execPath, [SST_PLUGIN_HOST, PLUGINS], {
      cwd: repo,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const replies = new Map<number, unknown>();
    const lines = createInterface({ input: host.stdout! });
    lines.on("line", (line) => {
      const reply = JSON.parse(line) as { id: number; value: unknown };
      replies.set(reply.id, reply.value);
    });
    // The messages SST's Go side sends (pkg/runtime/node/plugin.go): id, command, value.
    const zodImporter = `${repo}node_modules/zod/v4/classic/external.js`;
    const messages = [
      { command: "resolve", value: resolveArgs("../locales/index.js", zodImporter) },
      { command: "resolve", value: resolveArgs("./locales/index.js", `${repo}core/i18n.ts`) },
      { command: "resolve", value: resolveArgs("hono", `${repo}functions/api/app.ts`) },
      { command: "load", value: { path: "zod-locales-en", namespace: "sessionvault", suffix: "", with: {} } },
      { command: "load", value: { path: `${repo}core/zod.ts`, namespace: "file", suffix: "", with: {} } },
    ];
    for (const [id, message] of messages.entries())
      host.stdin!.write(`${JSON.stringify({ id, ...message })}\n`);
    const deadline = Date.now() + 10_000;
    while (replies.size < messages.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    host.kill();

    expect(replies.get(0)).toEqual({ path: "zod-locales-en", namespace: "sessionvault" });
    expect(replies.get(1)).toEqual({}); // a locales index outside zod is not touched
    expect(replies.get(2)).toEqual({});
    expect(replies.get(3)).toMatchObject({
      contents: expect.stringContaining("node_modules/zod/v4/locales/en.js"),
      loader: "js",
    });
    expect(replies.get(4)).toEqual({});
  }, 20_000);
});

function resolveArgs(path: string, importer: string) {
  return {
    path,
    importer,
    namespace: "file",
    resolveDir: importer.replace(/\/[^/]*$/, ""),
    kind: "import-statement",
    with: {},
  };
}
