import type { GitHubConfig } from "@nightshift/config";
import { GitHubApi } from "./api.ts";
import { authFromSecrets } from "./auth.ts";
import { createConnector, type GitHubExchange } from "./octokit.ts";

/**
 * The GitHub API as configured, or undefined when the environment holds no GitHub
 * credentials (GitHub features are then off).
 */
export function connectGitHub(
  config: GitHubConfig,
  secrets: {
    GITHUB_TOKEN?: string | undefined;
    GITHUB_APP_ID?: string | undefined;
    GITHUB_APP_PRIVATE_KEY?: string | undefined;
  },
  onExchange?: (e: GitHubExchange) => void,
): GitHubApi | undefined {
  const auth = authFromSecrets(secrets);
  if (!auth) return undefined;
  return new GitHubApi(
    createConnector({
      auth,
      apiUrl: config.apiUrl,
      timeoutMs: config.requestTimeout,
      retries: config.retries,
      maxRateLimitWaitMs: config.maxRateLimitWait,
      writeSpacingMs: config.writeSpacing,
      contentSpacingMs: config.contentSpacing,
      login: config.login,
      installationId: config.installationId,
      ...(onExchange ? { onExchange } : {}),
    }),
  );
}
