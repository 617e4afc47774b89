import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running health endpoint. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` for the ECS/container health check: 200 `{ok: true, sessions: n}` while the loop
 * runs, 503 once shutdown began (so no new traffic is routed to a draining task). Anything else 404.
 */
export function serveHealth(
  port: number,
  status: () => { ok: boolean; sessions: number },
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"ok":false}');
      return;
    }
    const body = status();
    res.writeHead(body.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
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
