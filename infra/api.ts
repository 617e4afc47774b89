import { functionSecrets } from "./secrets";
import { bucket, table } from "./storage";

// The whole Hono app is one function behind the HTTP API's $default route.
export const apiFunction = new sst.aws.Function("SessionvaultApiFunction", {
  handler: "functions/api/lambda.handler",
  // Node 20 reached end of life; Lambda refuses new nodejs20.x functions since 2026-08-31. The
  // test suite runs these same bundles (esnext, as SST emits them) on this machine's Node 20.
  runtime: "nodejs24.x",
  architecture: "arm64",
  memory: "1024 MB",
  // API Gateway HTTP APIs give up after 30 s.
  timeout: "29 seconds",
  link: [table, bucket, ...functionSecrets],
  // GramJS, qrcode and sql.js are imported on first use: chunks that cold starts skip. The
  // plugins file keeps only zod's English messages (scripts/build-functions.ts uses the same).
  nodejs: { splitting: true, plugins: "./infra/esbuild-plugins.mjs" },
  // sql.js (Telethon/Pyrogram .session import) loads its WebAssembly from beside its chunk, and
  // SST puts the handler and every chunk at the package root.
  copyFiles: [{ from: "node_modules/sql.js/dist/sql-wasm.wasm", to: "sql-wasm.wasm" }],
});

export const api = new sst.aws.ApiGatewayV2("SessionvaultApi");
api.route("$default", apiFunction.arn);
