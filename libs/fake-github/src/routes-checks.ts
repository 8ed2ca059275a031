import { branches } from "./git-remote.ts";
import { param, repoOf } from "./routes-meta.ts";
import type { Register } from "./route.ts";

export function registerChecks(on: Register): void {
  on("GET", "/repos/:owner/:repo/commits/:ref/check-runs", async (c, ctx) => {
    const r = repoOf(c, ctx);
    const ref = param(c, "ref");
    const sha = (await branches(r.dir)).get(ref) ?? ref;
    const runs = r.checkRuns.filter((x) => x.sha === sha);
    return {
      body: {
        total_count: runs.length,
        check_runs: runs.map((x) => ({
          id: x.id,
          head_sha: x.sha,
          name: x.name,
          status: x.status,
          conclusion: x.conclusion,
          html_url: `${ctx.urls.web}/${r.owner}/${r.name}/runs/${x.id}`,
          details_url: `${ctx.urls.web}/${r.owner}/${r.name}/actions/runs/${x.id}`,
          output: { title: x.title ?? null, summary: x.summary ?? null },
        })),
      },
    };
  });

  on("GET", "/repos/:owner/:repo/commits/:ref/status", async (c, ctx) => {
    const r = repoOf(c, ctx);
    const ref = param(c, "ref");
    const sha = (await branches(r.dir)).get(ref) ?? ref;
    // The combined status keeps the latest status per context.
    const latest = new Map<string, (typeof r.statuses)[number]>();
    for (const s of r.statuses.filter((x) => x.sha === sha)) latest.set(s.context, s);
    const statuses = [...latest.values()];
    const state = statuses.some((s) => s.state === "failure" || s.state === "error")
      ? "failure"
      : statuses.some((s) => s.state === "pending") || statuses.length === 0
        ? "pending"
        : "success";
    return {
      body: {
        state,
        sha,
        total_count: statuses.length,
        statuses: statuses.map((s) => ({
          id: s.id,
          context: s.context,
          state: s.state,
          description: s.description,
          target_url: null,
          created_at: s.createdAt,
        })),
      },
    };
  });
}
