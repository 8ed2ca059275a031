import { executorService } from "@nightshift/executor";
import { githubResultSinks } from "@nightshift/github";
import type { ServiceDefinition } from "@nightshift/host";

/**
 * The executor with the result sinks its configuration enables: GitHub pull requests when
 * GitHub credentials are in the environment. Built at start, once the config is loaded.
 */
export function executorWithSinks(
  env: Readonly<Record<string, string | undefined>>,
): ServiceDefinition {
  return {
    name: "executor",
    start: (deps) =>
      executorService({ env, sinks: githubResultSinks(deps.config.github, deps.secrets) }).start(
        deps,
      ),
  };
}
