import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** A running local server. */
export interface RunningServer {
  /** `http://localhost:<port>`, with the real port when `port` was 0. */
  url: string;
  /** Stops accepting, drops idle keep-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Serves `app` on Node's HTTP server (for `npm start` and a single-machine deployment).
 * Resolves once the port is bound; rejects if it cannot be (e.g. EADDRINUSE). Port 0 picks a free one.
 */
export function serveApp(app: Pick<Hono, "fetch">, port: number, hostname?: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port, ...(hostname ? { hostname } : {}) },
      (info: AddressInfo) => {
        server.off("error", reject);
        resolve({ url: `http://localhost:${info.port}`, close: () => closeServer(server) });
      },
    );
    server.once("error", reject);
  });
}

// --- Internal helpers ---

function closeServer(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Without this, a client's idle keep-alive socket holds `close()` open for seconds.
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
