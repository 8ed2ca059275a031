import { secretValues } from "@nightshift/config";
import { connectGitHub } from "@nightshift/github";
import { LinearApi, linearRequest } from "@nightshift/linear";
import type { NotificationChannel, SourceThreadFactory } from "../channel.ts";
import { GitHubThreadChannel } from "./github-thread.ts";
import { LinearCommentChannel } from "./linear-comment.ts";

/** A channel for a source nightshift has no credentials for: it takes nothing. */
function unavailable(name: string): NotificationChannel {
  return { name, accepts: () => false, send: () => Promise.resolve() };
}

/** `type: source` channel for GitHub: comments in GitHub issues and pull requests. */
export const githubThreads: SourceThreadFactory = (ctx) => {
  const api = connectGitHub(ctx.config.github, ctx.secrets);
  if (!api) {
    ctx.log.warn(
      "no GitHub credentials (GITHUB_TOKEN or a GitHub App): GitHub threads get no notifications",
    );
    return unavailable("github-thread");
  }
  return new GitHubThreadChannel(api, secretValues(ctx.secrets));
};

/** `type: source` channel for Linear: comments on Linear issues. */
export const linearThreads: SourceThreadFactory = (ctx) => {
  const key = ctx.secrets.LINEAR_API_KEY;
  if (!key) {
    ctx.log.warn("no LINEAR_API_KEY: Linear issues get no notifications");
    return unavailable("linear-comment");
  }
  const api = new LinearApi(
    linearRequest({ apiKey: key, apiUrl: ctx.config.poller.linear.apiUrl }),
  );
  return new LinearCommentChannel(api, secretValues(ctx.secrets));
};
