import { branches, mergeable } from "./git-remote.ts";
import { jsonPull, type Issue, type Repo } from "./model.ts";
import { bodyOf, param, repoOf } from "./routes-meta.ts";
import { HttpError, type Register, type RouteCtx } from "./route.ts";

async function pullJson(
  r: Repo,
  i: Issue,
  ctx: RouteCtx,
  withMergeable: boolean,
): Promise<Record<string, unknown>> {
  const heads = await branches(r.dir);
  const baseSha = heads.get(i.pull!.base.ref) ?? "";
  const m =
    withMergeable && i.state === "open" ? await mergeable(r.dir, baseSha, i.pull!.head.sha) : null;
  return jsonPull(r, i, ctx.urls, (l) => ctx.state.user(l), m, baseSha);
}

function pullOf(r: Repo, n: number): Issue {
  const i = r.issues.get(n);
  if (!i?.pull) throw new HttpError(404, "Not Found");
  return i;
}

export function registerPulls(on: Register): void {
  on("GET", "/repos/:owner/:repo/pulls", async (c, ctx) => {
    const r = repoOf(c, ctx);
    await ctx.state.syncHeads(r);
    const state = c.req.query("state") ?? "open";
    const head = c.req.query("head");
    let list = [...r.issues.values()].filter(
      (i) => i.pull && (state === "all" || i.state === state),
    );
    if (head) {
      const [owner, ref] = head.includes(":") ? head.split(":", 2) : [r.owner, head];
      list =
        owner?.toLowerCase() === r.owner.toLowerCase()
          ? list.filter((i) => i.pull!.head.ref === ref)
          : [];
    }
    list.sort((a, b) => b.number - a.number);
    return { body: await Promise.all(list.map((i) => pullJson(r, i, ctx, false))), list: true };
  });

  on("GET", "/repos/:owner/:repo/pulls/:n{[0-9]+}", async (c, ctx) => {
    const r = repoOf(c, ctx);
    await ctx.state.syncHeads(r);
    return { body: await pullJson(r, pullOf(r, Number(param(c, "n"))), ctx, true) };
  });

  on("POST", "/repos/:owner/:repo/pulls", async (c, ctx) => {
    const r = repoOf(c, ctx, "write");
    const b = await bodyOf(c);
    const { title, head, base, body, draft } = b;
    if (typeof title !== "string" || typeof head !== "string" || typeof base !== "string")
      throw new HttpError(422, "Validation Failed");
    const ref = head.includes(":") ? head.split(":")[1]! : head;
    const heads = await branches(r.dir);
    if (!heads.has(ref) || !heads.has(base))
      throw new HttpError(422, "Validation Failed: head or base does not exist");
    const dup = [...r.issues.values()].find(
      (i) => i.pull && i.state === "open" && i.pull.head.ref === ref && i.pull.base.ref === base,
    );
    if (dup)
      throw new HttpError(
        422,
        `Validation Failed: A pull request already exists for ${r.owner}:${ref}.`,
      );
    const i = await ctx.state.openPull(`${r.owner}/${r.name}`, {
      title,
      author: ctx.actor(),
      head: ref,
      base,
      draft: draft === true,
      ...(typeof body === "string" ? { body } : {}),
    });
    return { status: 201, body: await pullJson(r, i, ctx, false) };
  });

  on("PATCH", "/repos/:owner/:repo/pulls/:n{[0-9]+}", async (c, ctx) => {
    const r = repoOf(c, ctx, "write");
    const i = pullOf(r, Number(param(c, "n")));
    const b = await bodyOf(c);
    ctx.state.editIssue(
      `${r.owner}/${r.name}`,
      i.number,
      {
        ...(typeof b["title"] === "string" ? { title: b["title"] } : {}),
        ...(typeof b["body"] === "string" ? { body: b["body"] } : {}),
      },
      ctx.actor(),
    );
    if (b["state"] === "closed") i.state = "closed";
    return { body: await pullJson(r, i, ctx, false) };
  });

  on("GET", "/repos/:owner/:repo/pulls/:n{[0-9]+}/reviews", (c, ctx) => {
    const r = repoOf(c, ctx);
    const n = pullOf(r, Number(param(c, "n"))).number;
    const list = [...r.reviews.values()].filter((rv) => rv.pull === n).sort((a, b) => a.id - b.id);
    return {
      body: list.map((rv) => ({
        id: rv.id,
        user: {
          login: rv.user,
          id: ctx.state.user(rv.user).id,
          type: ctx.state.user(rv.user).type,
        },
        body: rv.body,
        state: rv.state,
        submitted_at: rv.submittedAt,
        commit_id: rv.commitId,
        html_url: `${ctx.urls.web}/${r.owner}/${r.name}/pull/${n}#pullrequestreview-${rv.id}`,
      })),
      list: true,
    };
  });

  on("GET", "/repos/:owner/:repo/pulls/:n{[0-9]+}/reviews/:id{[0-9]+}/comments", (c, ctx) => {
    const r = repoOf(c, ctx);
    const n = pullOf(r, Number(param(c, "n"))).number;
    const id = Number(param(c, "id"));
    if (r.reviews.get(id)?.pull !== n) throw new HttpError(404, "Not Found");
    const list = [...r.reviewComments.values()]
      .filter((x) => x.review === id)
      .sort((a, b) => a.id - b.id);
    return {
      body: list.map((x) => ({
        id: x.id,
        pull_request_review_id: x.review,
        user: { login: x.user, type: ctx.state.user(x.user).type },
        body: x.body,
        path: x.path,
        line: x.line,
        html_url: `${ctx.urls.web}/${r.owner}/${r.name}/pull/${n}#discussion_r${x.id}`,
      })),
      list: true,
    };
  });
}
