/// <reference path="./.sst/platform/config.d.ts" />

// Thin entry: every resource lives in infra/, one file per resource group.
// infra/* files use the SST globals ($app, sst, aws), which exist only inside run(),
// so they are imported dynamically here.
export default $config({
  app(input) {
    return {
      name: "sessionvault",
      home: "aws",
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod",
    };
  },
  async run() {
    const storage = await import("./infra/storage");
    const api = await import("./infra/api");
    const connector = await import("./infra/connector");
    await import("./infra/cron");

    return {
      api: api.api.url,
      table: storage.table.name,
      bucket: storage.bucket.name,
      connectorService: connector.service.nodes.service.name,
    };
  },
});
