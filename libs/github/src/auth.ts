import { NightshiftError } from "@nightshift/errors";

/** How nightshift authenticates to GitHub. */
export type GitHubAuth =
  { kind: "token"; token: string } | { kind: "app"; appId: string; privateKey: string };

interface GitHubSecrets {
  GITHUB_TOKEN?: string | undefined;
  GITHUB_APP_ID?: string | undefined;
  GITHUB_APP_PRIVATE_KEY?: string | undefined;
}

/**
 * The credentials in the environment: a GitHub App when `GITHUB_APP_ID` and
 * `GITHUB_APP_PRIVATE_KEY` are set, else `GITHUB_TOKEN`, else none (GitHub is off).
 */
export function authFromSecrets(s: GitHubSecrets): GitHubAuth | undefined {
  if (s.GITHUB_APP_ID !== undefined || s.GITHUB_APP_PRIVATE_KEY !== undefined) {
    if (s.GITHUB_APP_ID === undefined || s.GITHUB_APP_PRIVATE_KEY === undefined)
      throw new NightshiftError(
        "CONFIG_INVALID",
        "a GitHub App needs both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
      );
    // Keys pasted into one-line environment variables often carry literal "\n".
    const privateKey = s.GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, "\n");
    return { kind: "app", appId: s.GITHUB_APP_ID, privateKey };
  }
  if (s.GITHUB_TOKEN !== undefined) return { kind: "token", token: s.GITHUB_TOKEN };
  return undefined;
}
