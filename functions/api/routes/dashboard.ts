import { Hono } from "hono";
import { DASHBOARD_HTML } from "../dashboard/page.js";
import type { AppEnv } from "../env.js";

/**
 * `GET /`: the dashboard page. No auth here: the page holds no data and asks for an API key.
 * The CSP allows only this page's own inline script/style and same-origin API calls.
 */
export function createDashboardRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", (c) => {
    c.header(
      "content-security-policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
    return c.html(DASHBOARD_HTML);
  });
}
