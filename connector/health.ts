import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running health endpoint. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` for the ECS/container health check: 200 `{ok: true, sessions: n}` while the loop
 * runs, 503 once shutdown began (so no new traffic is routed to a draining task). With `metrics`,
 * `GET /metrics` answers them in Prometheus text format. Anything else 404.
 */
export function serveHealth(
  port: number,
  status: () => { ok: boolean; sessions: number },
  metrics?: () => Promise<{ body: string; contentType: string }>,
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = req.method === "GET" ? req.url?.split("?")[0] : undefined;
    if (path === "/healthz") {
      const body = status();
      res.writeHead(body.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (path === "/metrics" && metrics) {
      metrics().then(
        ({ body, contentType }) => res.writeHead(200, { "content-type": contentType }).end(body),
        () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics failed\n"),
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"ok":false}');
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
