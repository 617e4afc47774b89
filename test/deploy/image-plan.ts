import { cp, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type { Ignore } from "@balena/dockerignore";
import { DockerfileParser } from "dockerfile-ast";

// CommonJS (`module.exports = factory`) whose typings declare a default export, which
// TypeScript's NodeNext interop then cannot call: load it as what it is.
const dockerignore = createRequire(import.meta.url)("@balena/dockerignore") as () => Ignore;

/**
 * What a Dockerfile puts in its image, read with a real Dockerfile parser so that a test can
 * lay the same files out in a directory and run the image's command there. No Docker engine runs
 * on this machine; this checks everything about the image except the base image itself.
 */
export interface ImagePlan {
  from: string;
  env: Record<string, string>;
  workdir: string;
  copies: { sources: string[]; dest: string }[];
  /** Each RUN instruction's commands, split on `&&`. */
  runs: string[][];
  cmd: string[];
  healthcheck: string[];
  stopSignal: NodeJS.Signals;
}

export async function readImagePlan(dockerfilePath: string): Promise<ImagePlan> {
  const dockerfile = DockerfileParser.parse(await readFile(dockerfilePath, "utf8"));
  const plan: ImagePlan = {
    from: "",
    env: {},
    workdir: "/",
    copies: [],
    runs: [],
    cmd: [],
    healthcheck: [],
    stopSignal: "SIGTERM",
  };
  for (const instruction of dockerfile.getInstructions()) {
    const args = instruction.getArguments().map((a) => a.getValue());
    const content = instruction.getArgumentsContent() ?? "";
    switch (instruction.getKeyword()) {
      case "FROM":
        plan.from = args[0]!;
        break;
      case "WORKDIR":
        plan.workdir = args[0]!;
        break;
      case "COPY":
        if (args.some((a) => a.startsWith("--"))) throw new Error(`COPY flags are not modelled: ${content}`);
        plan.copies.push({ sources: args.slice(0, -1), dest: args.at(-1)! });
        break;
      case "RUN":
        plan.runs.push(content.split("&&").map((c) => c.replace(/\\\n/g, " ").replace(/\s+/g, " ").trim()));
        break;
      case "CMD":
        plan.cmd = JSON.parse(content) as string[];
        break;
      case "STOPSIGNAL":
        plan.stopSignal = args[0] as NodeJS.Signals;
        break;
      case "HEALTHCHECK":
        plan.healthcheck = JSON.parse(content.slice(content.indexOf("CMD") + 3)) as string[];
        break;
    }
  }
  for (const env of dockerfile.getENVs())
    for (const property of env.getProperties()) plan.env[property.getName()] = property.getValue() ?? "";
  return plan;
}

/**
 * Copies what the plan's COPY instructions take from `context` into `root` (the image's WORKDIR),
 * leaving out what `.dockerignore` excludes from the build context. Returns the files copied,
 * relative to `root`.
 */
export async function stageImageFiles(plan: ImagePlan, context: string, root: string): Promise<string[]> {
  const ignoreFile = await readFile(join(context, ".dockerignore"), "utf8").catch(() => "");
  const excluded = dockerignore().add(ignoreFile.split("\n"));
  const copied: string[] = [];
  for (const { sources, dest } of plan.copies) {
    for (const source of sources) {
      const from = join(context, source);
      const files = (await stat(from)).isDirectory()
        ? (await readdir(from, { recursive: true, withFileTypes: true }))
            .filter((entry) => entry.isFile())
            .map((entry) => relative(context, join(entry.parentPath, entry.name)))
        : [source];
      for (const file of files) {
        if (excluded.ignores(file)) continue;
        // `COPY dir ./dir` puts the directory's contents there; `COPY a b ./` puts files in ./.
        const inDest = (await stat(from)).isDirectory() ? relative(source, file) : file.split("/").at(-1)!;
        const to = join(root, dest, inDest);
        await mkdir(dirname(to), { recursive: true });
        await cp(join(context, file), to);
        copied.push(relative(root, to));
      }
    }
  }
  return copied;
}
