/**
 * `sessionvault`: bulk import and export against a running Sessionvault API.
 *
 *   sessionvault import ./sessions --url https://api.example.com --key sv_… [--strict]
 *   sessionvault export ./backup   --url … --key … [--whatsapp-format tar|json] [--telegram-format gramjs|telethon|pyrogram]
 *
 * URL and key also come from SESSIONVAULT_URL / SESSIONVAULT_API_KEY. Import takes
 * useMultiFileAuthState folders, .tar.gz archives of them, seed-004 JSON maps, Telethon and
 * Pyrogram .session files and Telegram JSON descriptors, and prints a per-file failure summary.
 */
import { Command, Option } from "commander";
import { createApiClient } from "./api-client.js";
import { classifyFolder } from "./classify.js";
import { exportSession, listAll } from "./export.js";
import { type ImportOutcome, importItem } from "./import.js";
import { runWithProgress } from "./progress.js";

const program = new Command("sessionvault").description("Bulk import and export of Sessionvault sessions");

interface ConnectionOptions {
  url: string;
  key: string;
  concurrency: number;
  strict: boolean;
}

const connection = (cmd: Command): Command =>
  cmd
    .addOption(new Option("--url <url>", "API base URL").env("SESSIONVAULT_URL").makeOptionMandatory())
    .addOption(new Option("--key <apiKey>", "API key").env("SESSIONVAULT_API_KEY").makeOptionMandatory())
    .option("--concurrency <n>", "requests in flight", (v) => Number.parseInt(v, 10), 4)
    .option("--strict", "exit non-zero when any item fails", false);

connection(program.command("import <dir>").description("import every session file or folder in <dir>"))
  .addOption(
    new Option("--api-id <id>", "Telegram api_id for files that carry none")
      .env("TELEGRAM_API_ID")
      .argParser(Number),
  )
  .addOption(
    new Option("--api-hash <hash>", "Telegram api_hash for files that carry none").env("TELEGRAM_API_HASH"),
  )
  .action(async (dir: string, opts: ConnectionOptions & { apiId?: number; apiHash?: string }) => {
    const api = createApiClient(opts.url, opts.key);
    const items = await classifyFolder(dir);
    const telegram = {
      ...(opts.apiId ? { apiId: opts.apiId } : {}),
      ...(opts.apiHash ? { apiHash: opts.apiHash } : {}),
    };
    const outcomes = await runWithProgress(items, opts.concurrency, (item) =>
      importItem(api, item, telegram),
    );
    finish("imported", outcomes, opts.strict);
  });

connection(program.command("export <dir>").description("export every session of the key's tenant into <dir>"))
  .addOption(new Option("--whatsapp-format <f>", "WhatsApp format").choices(["tar", "json"]).default("tar"))
  .addOption(
    new Option("--telegram-format <f>", "Telegram format")
      .choices(["gramjs", "telethon", "pyrogram"])
      .default("gramjs"),
  )
  .action(
    async (
      dir: string,
      opts: {
        url: string;
        key: string;
        concurrency: number;
        strict: boolean;
        whatsappFormat: "tar" | "json";
        telegramFormat: "gramjs" | "telethon" | "pyrogram";
      },
    ) => {
      const api = createApiClient(opts.url, opts.key);
      const jobs = [
        ...(await listAll(api, "whatsapp")).map((id) => ({ platform: "whatsapp" as const, id })),
        ...(await listAll(api, "telegram")).map((id) => ({ platform: "telegram" as const, id })),
      ];
      const outcomes = await runWithProgress(jobs, opts.concurrency, (job) =>
        exportSession(api, dir, job.platform, job.id, opts),
      );
      finish("exported", outcomes, opts.strict);
    },
  );

function finish(verb: string, outcomes: ImportOutcome[], strict: boolean): void {
  const failed = outcomes.filter((o) => !o.ok);
  process.stdout.write(`${outcomes.length - failed.length} ${verb}, ${failed.length} failed\n`);
  for (const f of failed) process.stdout.write(`  FAILED ${f.path}: ${f.detail}\n`);
  if (strict && failed.length > 0) process.exitCode = 1;
}

await program.parseAsync(process.argv);
