import type { Context } from "hono";
import { jsonRepo, jsonUser, type Repo } from "./model.ts";
import { HttpError, type Register, type RouteCtx } from "./route.ts";

/** A path parameter (routes only match when it is present). */
export function param(c: Context, name: string): string {
  const v = c.req.param(name);
  if (v === undefined) throw new HttpError(404, "Not Found");
  return v;
}

/** The repository named in the path, readable by the principal, or a 404. */
export function repoOf(c: Context, ctx: RouteCtx, need: "read" | "write" = "read"): Repo {
  const full = `${param(c, "owner")}/${param(c, "repo")}`;
  const r = ctx.state.repos.get(full.toLowerCase());
  if (!r) throw new HttpError(404, "Not Found");
  ctx.can(r, need);
  return r;
}

/** Reads and validates a JSON request body. */
export async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  try {
    const b = (await c.req.json()) as unknown;
    if (typeof b === "object" && b !== null && !Array.isArray(b))
      return b as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, "Problems parsing JSON");
}

export function registerMeta(on: Register, mintToken: (installationId: number) => string): void {
  on("GET", "/user", (_c, ctx) => {
    if (ctx.principal.kind !== "user")
      throw new HttpError(403, "Resource not accessible by integration");
    return { body: jsonUser(ctx.state.user(ctx.principal.login), ctx.urls) };
  });

  on(
    "GET",
    "/app",
    (_c, ctx) => ({
      body: { id: Number(ctx.app.id), slug: ctx.app.slug, name: ctx.app.slug, owner: null },
    }),
    { auth: "app" },
  );

  on(
    "GET",
    "/repos/:owner/:repo/installation",
    (c, ctx) => {
      const full = `${param(c, "owner")}/${param(c, "repo")}`.toLowerCase();
      for (const [id, repos] of ctx.app.installations)
        if (repos.has(full))
          return {
            body: { id, app_id: Number(ctx.app.id), account: { login: param(c, "owner") } },
          };
      throw new HttpError(404, "Not Found");
    },
    { auth: "app" },
  );

  on(
    "POST",
    "/app/installations/:id/access_tokens",
    (c, ctx) => {
      const id = Number(param(c, "id"));
      if (!ctx.app.installations.has(id)) throw new HttpError(404, "Not Found");
      const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      return {
        status: 201,
        body: {
          token: mintToken(id),
          expires_at: expires,
          permissions: { issues: "write", pull_requests: "write", contents: "write" },
        },
      };
    },
    { auth: "app" },
  );

  on("GET", "/repos/:owner/:repo", (c, ctx) => {
    const r = repoOf(c, ctx);
    return { body: jsonRepo(r, ctx.urls, ctx.state.user(r.owner)) };
  });

  on("GET", "/repos/:owner/:repo/collaborators/:user/permission", (c, ctx) => {
    const r = repoOf(c, ctx);
    const login = param(c, "user");
    const u = ctx.state.users.get(login);
    if (!u) throw new HttpError(404, "Not Found");
    const perm = r.collaborators.get(login) ?? "read";
    return { body: { permission: perm, role_name: perm, user: jsonUser(u, ctx.urls) } };
  });
}
