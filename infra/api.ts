import { functionSecrets } from "./secrets";
import { bucket, table } from "./storage";

// The whole Hono app is one function behind the HTTP API's $default route.
export const apiFunction = new sst.aws.Function("SessionvaultApiFunction", {
  handler: "functions/api/lambda.handler",
  // Node 20 reached end of life; Lambda refuses new nodejs20.x functions since 2026-08-31. The
  // bundles target node20 syntax (the version the test suite runs on), which Node 24 runs as is.
  runtime: "nodejs24.x",
  architecture: "arm64",
  memory: "1024 MB",
  // API Gateway HTTP APIs give up after 30 s.
  timeout: "29 seconds",
  link: [table, bucket, ...functionSecrets],
  // sql.js (Telethon/Pyrogram .session import) loads its WebAssembly from beside the bundle.
  // GramJS is imported lazily by the Telegram routes: a separate chunk that cold starts skip.
  nodejs: { splitting: true },
  copyFiles: [{ from: "node_modules/sql.js/dist/sql-wasm.wasm", to: "functions/api/sql-wasm.wasm" }],
});

export const api = new sst.aws.ApiGatewayV2("SessionvaultApi");
api.route("$default", apiFunction.arn);
