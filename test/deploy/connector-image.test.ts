import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../connector/testing/stub-socket.js";
import * as WhatsAppSession from "../../core/whatsapp/session/index.js";
import { freePort } from "../helpers/local-aws.js";
import { createTestAwsStorage, type TestStorage } from "../helpers/test-storage.js";
import { type ImagePlan, readImagePlan, stageImageFiles } from "./image-plan.js";

const run = promisify(execFile);
const repo = new URL("../..", import.meta.url).pathname;

/**
 * RUN commands of connector/Dockerfile that this test does not replay, and why. Any other RUN
 * command is executed in the staged image directory, so a new build step fails here until it is
 * either replayable or listed.
 */
const NOT_REPLAYED: Record<string, string> = {
  "npm cache clean --force": "only shrinks the image; here it would empty the machine's npm cache",
  "mkdir -p /app/.data": "the local adapter's data dir; this test runs the connector on the aws adapter",
  "chown node:node /app/.data": "needs the image's `node` user",
};

/**
 * Issue 7: the connector image, checked without a Docker engine. Its files are laid out as the
 * Dockerfile's COPY instructions and `.dockerignore` make them, its install step runs there, and
 * its CMD and HEALTHCHECK run against DynamoDB Local + s3rver with the image's environment only.
 */
describe("connector image (connector/Dockerfile)", () => {
  let plan: ImagePlan;
  let root: string;
  let staged: string[];
  let store: TestStorage;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    plan = await readImagePlan(join(repo, "connector/Dockerfile"));
    root = await mkdtemp(join(tmpdir(), "sv-image-"));
    staged = await stageImageFiles(plan, repo, root);
    store = await createTestAwsStorage();
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await store?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("holds the runtime sources and manifests, and no tests, keys or local state", () => {
    expect(plan.from).toMatch(/^node:\d+-slim$/);
    expect(staged).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "tsconfig.json"]));
    expect(staged).toContain("connector/main.ts");
    expect(staged.some((f) => f.startsWith("core/whatsapp/auth-state/"))).toBe(true);
    expect(staged.filter((f) => /\.test\.ts$|(^|\/)test\/|\.key$|(^|\/)\.data\//.test(f))).toEqual([]);
  });

  it("installs with its own RUN step, then its CMD owns a session, passes its HEALTHCHECK and drains on SIGTERM", async () => {
    const commands = plan.runs.flat();
    const replayed = commands.filter((c) => !(c in NOT_REPLAYED));
    expect(replayed.some((c) => c.startsWith("npm ci --omit=dev"))).toBe(true);
    // The npm cache CI just filled serves the install; the command itself is the Dockerfile's.
    for (const command of replayed)
      await run("sh", ["-c", command], {
        cwd: root,
        env: { ...process.env, npm_config_prefer_offline: "true" },
        maxBuffer: 16 << 20,
      });
    const installed = await readdir(join(root, "node_modules"));
    expect(installed).toContain("tsx");
    expect(installed).not.toContain("vitest"); // dev dependencies stay out
    expect(installed.filter((name) => name.startsWith("sst-"))).toEqual([]);

    const ctx = { storage: store.storage, clock: Date.now };
    const ref = { tenantId: "ten_image", sessionId: "img1" };
    await WhatsAppSession.create(ctx, ref);
    const env = {
      // Only what the image itself has, plus what a deployment injects (infra/connector.ts).
      PATH: process.env.PATH!,
      ...plan.env,
      ...store.env,
      SESSIONVAULT_MASTER_KEY: randomBytes(32).toString("base64"),
      CONNECTOR_PORT: String(await freePort()),
      CONNECTOR_ID: "image-test",
      CONNECTOR_POLL_MS: "50",
      // Nothing listens there: the socket fails fast and backs off, as with WhatsApp unreachable.
      WHATSAPP_WS_URL: "ws://127.0.0.1:9/ws/chat",
    };
    const [command, ...args] = plan.cmd as [string, ...string[]];
    child = spawn(command === "node" ? process.execPath : command, args, {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));

    await waitFor(
      async () => (await WhatsAppSession.fromID(ctx, ref))?.leaseOwner === "image-test",
      30_000,
      `the session owned by the image's process (output: ${output})`,
    );
    const [hcCommand, ...hcArgs] = plan.healthcheck as [string, ...string[]];
    const health = await waitFor(
      () =>
        run(hcCommand === "node" ? process.execPath : hcCommand, hcArgs, { cwd: root, env }).then(
          () => true,
          () => false,
        ),
      10_000,
      "the HEALTHCHECK command to pass",
    );
    expect(health).toBe(true);

    const exited = once(child, "exit");
    const sentAt = Date.now();
    child.kill(plan.stopSignal);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(await WhatsAppSession.fromID(ctx, ref)).toMatchObject({ leaseOwner: null, desired: "connected" });
    // After its own process exited, the HEALTHCHECK fails (it is not a check that always passes).
    await expect(run(process.execPath, hcArgs, { cwd: root, env })).rejects.toThrow();
  }, 180_000);
});
