import { bodyOf, param, repoOf } from "./routes-meta.ts";
import { jsonComment, jsonIssue, type Issue } from "./model.ts";
import { HttpError, type Register } from "./route.ts";

/** GitHub compares `since` in whole seconds. */
function sinceMs(since: string): number {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new HttpError(422, "Invalid value for parameter 'since'");
  return Math.floor(ms / 1000) * 1000;
}

function sortIssues(list: Issue[], sort: string, direction: string): Issue[] {
  const key = (i: Issue): string =>
    (sort === "updated" ? i.updatedAt : i.createdAt) + String(i.number).padStart(8, "0");
  const sorted = [...list].sort((a, b) => key(a).localeCompare(key(b)));
  return direction === "asc" ? sorted : sorted.reverse();
}

export function registerIssues(on: Register): void {
  on("GET", "/repos/:owner/:repo/issues", async (c, ctx) => {
    const r = repoOf(c, ctx);
    await ctx.state.syncHeads(r);
    const q = (k: string): string | undefined => c.req.query(k);
    const state = q("state") ?? "open";
    const since = q("since");
    const labels = q("labels")?.split(",").filter(Boolean) ?? [];
    const assignee = q("assignee");
    let list = [...r.issues.values()].filter((i) => state === "all" || i.state === state);
    if (since) list = list.filter((i) => Date.parse(i.updatedAt) >= sinceMs(since));
    if (labels.length > 0) list = list.filter((i) => labels.every((l) => i.labels.includes(l)));
    if (assignee) list = list.filter((i) => i.assignees.includes(assignee));
    list = sortIssues(list, q("sort") ?? "created", q("direction") ?? "desc");
    const user = (l: string) => ctx.state.user(l);
    return { body: list.map((i) => jsonIssue(r, i, ctx.urls, user)), list: true };
  });

  on("GET", "/repos/:owner/:repo/issues/comments", (c, ctx) => {
    const r = repoOf(c, ctx);
    const since = c.req.query("since");
    let list = [...r.comments.values()];
    if (since) list = list.filter((x) => Date.parse(x.updatedAt) >= sinceMs(since));
    list.sort(
      (a, b) =>
        (c.req.query("sort") === "updated" ? a.updatedAt.localeCompare(b.updatedAt) : 0) ||
        a.id - b.id,
    );
    if (c.req.query("direction") === "desc") list.reverse();
    return {
      body: list.map((x) => jsonComment(r, x, ctx.urls, (l) => ctx.state.user(l))),
      list: true,
    };
  });

  on("PATCH", "/repos/:owner/:repo/issues/comments/:id{[0-9]+}", async (c, ctx) => {
    const r = repoOf(c, ctx);
    const existing = r.comments.get(Number(param(c, "id")));
    if (!existing) throw new HttpError(404, "Not Found");
    if (existing.user !== ctx.actor()) ctx.can(r, "write");
    const body = await bodyOf(c);
    if (typeof body["body"] !== "string") throw new HttpError(422, "Validation Failed");
    const updated = ctx.state.editComment(`${r.owner}/${r.name}`, existing.id, body["body"]);
    return { body: jsonComment(r, updated, ctx.urls, (l) => ctx.state.user(l)) };
  });

  on("GET", "/repos/:owner/:repo/issues/:n{[0-9]+}", (c, ctx) => {
    const r = repoOf(c, ctx);
    const i = r.issues.get(Number(param(c, "n")));
    if (!i) throw new HttpError(404, "Not Found");
    return { body: jsonIssue(r, i, ctx.urls, (l) => ctx.state.user(l)) };
  });

  on("GET", "/repos/:owner/:repo/issues/:n{[0-9]+}/events", (c, ctx) => {
    const r = repoOf(c, ctx);
    const n = Number(param(c, "n"));
    if (!r.issues.has(n)) throw new HttpError(404, "Not Found");
    const events = (r.events.get(n) ?? []).map((e) => ({
      id: e.id,
      event: e.event,
      actor: { login: e.actor, id: ctx.state.user(e.actor).id, type: ctx.state.user(e.actor).type },
      created_at: e.createdAt,
      ...(e.label ? { label: { name: e.label, color: "ededed" } } : {}),
      ...(e.assignee
        ? { assignee: { login: e.assignee, type: ctx.state.user(e.assignee).type } }
        : {}),
    }));
    return { body: events, list: true };
  });

  on("GET", "/repos/:owner/:repo/issues/:n{[0-9]+}/comments", (c, ctx) => {
    const r = repoOf(c, ctx);
    const n = Number(param(c, "n"));
    if (!r.issues.has(n)) throw new HttpError(404, "Not Found");
    const since = c.req.query("since");
    const list = [...r.comments.values()]
      .filter((x) => x.issue === n && (!since || Date.parse(x.updatedAt) >= sinceMs(since)))
      .sort((a, b) => a.id - b.id);
    return {
      body: list.map((x) => jsonComment(r, x, ctx.urls, (l) => ctx.state.user(l))),
      list: true,
    };
  });

  on("POST", "/repos/:owner/:repo/issues/:n{[0-9]+}/comments", async (c, ctx) => {
    const r = repoOf(c, ctx);
    const n = Number(param(c, "n"));
    if (!r.issues.has(n)) throw new HttpError(404, "Not Found");
    const body = await bodyOf(c);
    if (typeof body["body"] !== "string" || body["body"] === "")
      throw new HttpError(422, "Validation Failed");
    const created = ctx.state.comment(`${r.owner}/${r.name}`, n, ctx.actor(), body["body"]);
    return { status: 201, body: jsonComment(r, created, ctx.urls, (l) => ctx.state.user(l)) };
  });

  on("POST", "/repos/:owner/:repo/issues/:n{[0-9]+}/labels", async (c, ctx) => {
    const r = repoOf(c, ctx, "write");
    const n = Number(param(c, "n"));
    const i = r.issues.get(n);
    if (!i) throw new HttpError(404, "Not Found");
    const body = await bodyOf(c);
    const labels = body["labels"];
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === "string"))
      throw new HttpError(422, "Validation Failed");
    for (const l of labels) ctx.state.addLabel(`${r.owner}/${r.name}`, n, l, ctx.actor());
    return { body: i.labels.map((name) => ({ name })) };
  });

  on("DELETE", "/repos/:owner/:repo/issues/:n{[0-9]+}/labels/:name", (c, ctx) => {
    const r = repoOf(c, ctx, "write");
    const n = Number(param(c, "n"));
    const i = r.issues.get(n);
    if (!i) throw new HttpError(404, "Not Found");
    if (
      !ctx.state.removeLabel(
        `${r.owner}/${r.name}`,
        n,
        decodeURIComponent(param(c, "name")),
        ctx.actor(),
      )
    )
      throw new HttpError(404, "Label does not exist");
    return { body: i.labels.map((name) => ({ name })) };
  });
}
