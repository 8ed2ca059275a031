import { hasMarker, marker, type GitHubApi } from "@nightshift/github";

/**
 * Tells an issue or pull request, once, that nightshift stops working on it after
 * `attempts` tasks (found again by its marker, so a restart does not repeat it).
 */
export async function announceGiveUp(
  api: GitHubApi,
  repo: string,
  n: number,
  item: string,
  attempts: number,
  at: string,
): Promise<void> {
  const fields = { kind: "gave-up", item, at };
  const comments = await api.issueComments(repo, n);
  if (comments.some((c) => hasMarker(c.body, fields))) return;
  const body = [
    marker(fields),
    `**nightshift** has run ${attempts} task${attempts === 1 ? "" : "s"} for this without a person asking again, and stops here.`,
    "",
    "Label the issue again or mention me with an instruction to start over.",
  ].join("\n");
  await api.createComment(repo, n, body);
}
