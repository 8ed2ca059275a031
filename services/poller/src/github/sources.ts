import type { GitHubRepoSource, PollerConfig } from "@nightshift/config";
import { coerceError } from "@nightshift/errors";
import type { GhRepo, GitHubApi } from "@nightshift/github";
import type { Logger } from "@nightshift/runtime";
import type { Acceptance } from "../accept.ts";
import { kvSafe } from "../kv-keys.ts";
import type { Trigger } from "../trigger.ts";
import { TriggerPolicy } from "../who-may-trigger.ts";
import type { EscalationFields } from "./context.ts";
import { GitHubRepoWatcher } from "./repo-watcher.ts";
import type { KV } from "@nightshift/messaging";

export interface GitHubSourcesOptions {
  api: GitHubApi;
  poller: PollerConfig;
  cursors: KV;
  accept: (t: Trigger) => Promise<Acceptance>;
  escalateOnce: (key: string, item: string, esc: EscalationFields) => Promise<boolean>;
  log: Logger;
}

/**
 * The watched repositories. They need the agent's own login, which is asked of GitHub
 * once; until that answer comes (GitHub unreachable at start) polls and webhooks wait.
 */
export class GitHubSources {
  readonly #o: GitHubSourcesOptions;
  #watchers: Promise<Map<string, GitHubRepoWatcher>> | undefined;
  #ready: Map<string, GitHubRepoWatcher> | undefined;
  lastError: string | undefined;

  constructor(o: GitHubSourcesOptions) {
    this.#o = o;
  }

  /** Source ids (for leader leases), known without GitHub. */
  ids(): { id: string; repo: string }[] {
    return this.#o.poller.github.repos.map((r) => ({
      id: `github.${kvSafe(r.repo)}`,
      repo: r.repo,
    }));
  }

  watcherNow(repo: string): GitHubRepoWatcher | undefined {
    return this.#ready?.get(repo.toLowerCase());
  }

  async watcher(repo: string): Promise<GitHubRepoWatcher | undefined> {
    return (await this.#all()).get(repo.toLowerCase());
  }

  /** Asks GitHub who the agent is now, so webhooks work before the first poll. */
  async prepare(): Promise<void> {
    await this.#all();
  }

  ready(): true | string {
    return this.#ready
      ? true
      : `GitHub not reached yet${this.lastError ? `: ${this.lastError}` : ""}`;
  }

  #all(): Promise<Map<string, GitHubRepoWatcher>> {
    this.#watchers ??= this.#build().then(
      (m) => {
        this.#ready = m;
        this.lastError = undefined;
        return m;
      },
      (err: unknown) => {
        this.#watchers = undefined;
        this.lastError = coerceError(err).message;
        throw err;
      },
    );
    return this.#watchers;
  }

  async #build(): Promise<Map<string, GitHubRepoWatcher>> {
    const { api, poller } = this.#o;
    const self = await api.login();
    const policy = new TriggerPolicy({
      self,
      allowUsers: poller.allowUsers,
      allowBots: poller.allowBots,
      permission: (repo, login) => api.permission(repo, login),
    });
    const repos = new Map<string, Promise<GhRepo>>();
    const repoInfo = (full: string): Promise<GhRepo> => {
      let p = repos.get(full);
      if (!p) {
        p = api.repo(full);
        p.catch(() => repos.delete(full));
        repos.set(full, p);
      }
      return p;
    };
    const out = new Map<string, GitHubRepoWatcher>();
    for (const cfg of poller.github.repos)
      out.set(cfg.repo.toLowerCase(), this.#watcher(cfg, self, policy, repoInfo));
    return out;
  }

  #watcher(
    cfg: GitHubRepoSource,
    self: string,
    policy: TriggerPolicy,
    repoInfo: (full: string) => Promise<GhRepo>,
  ): GitHubRepoWatcher {
    const o = this.#o;
    return new GitHubRepoWatcher(
      {
        api: o.api,
        repo: cfg.repo,
        cfg,
        self,
        mention: self.replace(/\[bot\]$/i, ""),
        policy,
        triage: cfg.triage ?? o.poller.triage,
        accept: o.accept,
        escalateOnce: o.escalateOnce,
        repoInfo,
        backend: o.poller.backend,
        model: o.poller.model,
        conditional: o.poller.conditionalRequests,
        log: o.log.child({ source: "github", repo: cfg.repo }),
      },
      o.cursors,
    );
  }
}
