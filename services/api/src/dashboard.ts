import { readFile } from "node:fs/promises";
import type { Env, Hono } from "hono";

export interface DashboardFiles {
  /** The page itself (kept as source: it needs no build). */
  html: URL;
  /** Where `tsc -b` writes the page's scripts. */
  scripts: URL;
}

/** The page lives in `web/`, its compiled scripts in `dist/web/`, from `src/` or `dist/` alike. */
export function defaultDashboardFiles(): DashboardFiles {
  return {
    html: new URL("../web/index.html", import.meta.url),
    scripts: new URL("../dist/web/", import.meta.url),
  };
}

/** Nothing outside this origin: no CDN, no fonts, no analytics. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the dashboard: `/dashboard/` and its scripts. The data comes from the API. */
export function dashboardRoutes<E extends Env>(app: Hono<E>, files: DashboardFiles): void {
  app.get("/", (c) => c.redirect("/dashboard/"));
  app.get("/dashboard", (c) => c.redirect("/dashboard/"));
  app.get("/dashboard/", async (c) => {
    c.header("content-security-policy", CSP);
    c.header("cache-control", "no-cache");
    return c.html(await readFile(files.html, "utf8"));
  });
  app.get("/dashboard/:file{[a-z0-9-]+\\.js}", async (c) => {
    const name = c.req.param("file");
    let text: string;
    try {
      text = await readFile(new URL(name, files.scripts), "utf8");
    } catch {
      return c.text(`/* ${name} not found: build the dashboard with \`npm run build\` */`, 404);
    }
    c.header("content-type", "text/javascript; charset=utf-8");
    c.header("cache-control", "no-cache");
    return c.body(text);
  });
}
