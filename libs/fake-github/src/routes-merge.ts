import { branches, mergeInto } from "./git-remote.ts";
import { bodyOf, param, repoOf } from "./routes-meta.ts";
import { HttpError, type Register } from "./route.ts";

/**
 * `PUT /repos/{owner}/{repo}/pulls/{n}/merge` with GitHub's answers: 405 for a draft, a
 * closed or a conflicting pull request, 409 when `sha` is not the head any more, 200 with
 * the merge commit otherwise. The base branch of the bare repository really moves.
 */
export function registerMerge(on: Register): void {
  on("PUT", "/repos/:owner/:repo/pulls/:n{[0-9]+}/merge", async (c, ctx) => {
    const r = repoOf(c, ctx, "write");
    const i = r.issues.get(Number(param(c, "n")));
    if (!i?.pull) throw new HttpError(404, "Not Found");
    const b = await bodyOf(c);
    await ctx.state.syncHeads(r);
    const p = i.pull;
    if (p.merged || i.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
    if (p.draft) throw new HttpError(405, "Pull Request is still a draft");
    if (typeof b["sha"] === "string" && b["sha"] !== p.head.sha)
      throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    const base = p.base.ref;
    if (!(await branches(r.dir)).has(base)) throw new HttpError(405, "Base branch was deleted");
    const title =
      typeof b["commit_title"] === "string"
        ? b["commit_title"]
        : `Merge pull request #${i.number} from ${r.owner}/${p.head.ref}`;
    const sha = await mergeInto(r.dir, base, p.head.sha, title);
    if (sha === undefined) throw new HttpError(405, "Pull Request is not mergeable");
    ctx.state.markMerged(i);
    return { body: { sha, merged: true, message: "Pull Request successfully merged" } };
  });
}
