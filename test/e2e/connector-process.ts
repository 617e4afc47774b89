import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A connector (`connector/main.ts`) in its own process, started the way ECS and the local stack
 * start it (`node --import tsx connector/main.ts`), so a test can SIGKILL it like a lost task.
 * Every process started here is tracked: `killConnectorProcesses()` in `afterAll` ends them all,
 * and they are SIGKILLed when the test process exits in any case. With `SV_E2E_LOG_DIR` set, each
 * process's log also goes to `<dir>/<id>-<pid>.log` (for debugging a failed run).
 */
export interface ConnectorProcess {
  /** `CONNECTOR_ID`: the lease owner name this process writes. */
  id: string;
  pid: number;
  /** Port of its `GET /healthz`. */
  port: number;
  /** Its pino log lines (JSON) so far, stdout and stderr. */
  logs(): string[];
  /** `GET /healthz`: `{ok, sessions}`. */
  health(): Promise<{ ok: boolean; sessions: number }>;
  /** CPU time (user + system, ms) the process has used, from `/proc`; the last reading once it has exited. */
  cpuMs(): number;
  /** Sends `signal` (SIGKILL by default) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Settles when the process exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ConnectorProcessOptions {
  /** Lease owner name; `e2e-<n>` by default. */
  id?: string;
  /** How long to wait for "connector started". Default 60 s (tsx compiles on first start). */
  readyTimeoutMs?: number;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const running = new Set<ConnectorProcess>();
let started = 0;
let exitedCpuMs = 0;

/**
 * Spawns a connector with `env` (storage, master key, WhatsApp peer, lease timings) on top of a
 * minimal environment (PATH, HOME, TMPDIR; nothing of the test runner's), a free health port and
 * `LOG_LEVEL=info`. Resolves once it logged "connector started"; rejects with its log otherwise.
 */
export async function startConnectorProcess(
  env: Record<string, string>,
  options: ConnectorProcessOptions = {},
): Promise<ConnectorProcess> {
  const id = options.id ?? `e2e-${++started}`;
  const child = spawn(process.execPath, ["--import", "tsx", "connector/main.ts"], {
    cwd: ROOT,
    env: {
      ...pick(process.env, ["PATH", "HOME", "TMPDIR", "TZ"]),
      LOG_LEVEL: "info",
      CONNECTOR_PORT: "0",
      CONNECTOR_ID: id,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let lastCpuMs = 0;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const readCpu = (): number => {
    lastCpuMs = procCpuMs(child.pid) ?? lastCpuMs;
    return lastCpuMs;
  };
  const cpuTimer = setInterval(readCpu, 250);
  cpuTimer.unref();
  const handle: ConnectorProcess = {
    id,
    pid: child.pid ?? -1,
    port: 0,
    logs: () => [...lines],
    async health() {
      const res = await fetch(`http://127.0.0.1:${handle.port}/healthz`);
      return (await res.json()) as { ok: boolean; sessions: number };
    },
    cpuMs: () => (child.exitCode === null && child.signalCode === null ? readCpu() : lastCpuMs),
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) {
        readCpu();
        child.kill(signal);
      }
      await exited;
    },
    exited,
  };
  running.add(handle);
  void exited.then(() => {
    clearInterval(cpuTimer);
    exitedCpuMs += lastCpuMs;
    running.delete(handle);
  });

  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connector ${id} not started in time:\n${lines.join("\n")}`)),
      options.readyTimeoutMs ?? 60_000,
    );
    const logFile = process.env.SV_E2E_LOG_DIR
      ? join(process.env.SV_E2E_LOG_DIR, `${id}-${child.pid}.log`)
      : null;
    const onLine = (line: string): void => {
      lines.push(line);
      if (logFile) appendFileSync(logFile, `${line}\n`);
      if (!line.includes('"connector started"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    };
    readLines(child, onLine);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`connector ${id} exited (${code ?? signal}) before starting:\n${lines.join("\n")}`));
    });
  });
  try {
    handle.port = await ready;
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}

/** SIGKILLs every connector process still running (for `afterAll`). */
export async function killConnectorProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

/** CPU time (ms) used by connector processes that have exited, plus the current use of the running ones. */
export function connectorProcessesCpuMs(): number {
  return exitedCpuMs + [...running].reduce((sum, p) => sum + p.cpuMs(), 0);
}

process.once("exit", () => {
  for (const p of running) process.kill(p.pid, "SIGKILL");
});

// --- Internal helpers ---

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((n) => (env[n] === undefined ? [] : [[n, env[n]]])));
}

function readLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) if (line) onLine(line);
    });
  }
}

/** utime + stime of `pid` from `/proc/<pid>/stat` (Linux; clock ticks of 10 ms), or undefined. */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
