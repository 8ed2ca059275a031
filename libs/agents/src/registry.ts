import type { BackendConfig, BackendsConfig } from "@nightshift/config";
import { PermanentError } from "@nightshift/errors";
import { anthropicBackend } from "./anthropic-backend.ts";
import type { BackendDeps } from "./backend-deps.ts";
import { claudeCodeBackend } from "./claude-code-backend.ts";
import { codexBackend } from "./codex-backend.ts";
import { commandBackend } from "./command-backend.ts";
import { DEFAULT_PRICES } from "./prices.ts";
import type { AgentBackend } from "./types.ts";

export type BackendFactory<C extends BackendConfig = BackendConfig> = (
  name: string,
  config: C,
  deps: BackendDeps,
) => AgentBackend;

/**
 * Backends by config `type`. Users add their own with `register`; the executor resolves
 * a task's backend name through the configured `backends` map.
 */
export class BackendRegistry {
  #factories = new Map<string, BackendFactory>();
  #configs: BackendsConfig;
  #deps: BackendDeps;
  #cache = new Map<string, AgentBackend>();

  constructor(configs: BackendsConfig, deps: BackendDeps = { env: {}, prices: DEFAULT_PRICES }) {
    this.#configs = configs;
    this.#deps = deps;
    this.register("command", (name, cfg) => commandBackend(name, cfg));
    this.register("claude-code", claudeCodeBackend);
    this.register("codex", codexBackend);
    this.register("anthropic", anthropicBackend);
  }

  register<T extends BackendConfig["type"]>(
    type: T,
    factory: BackendFactory<Extract<BackendConfig, { type: T }>>,
  ): void {
    this.#factories.set(type, factory as BackendFactory);
    this.#cache.clear();
  }

  names(): string[] {
    return Object.keys(this.#configs);
  }

  /** The backend called `name`; a PermanentError("unknown-backend") if there is none. */
  get(name: string): AgentBackend {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const cfg = this.#configs[name];
    if (cfg === undefined) {
      throw new PermanentError(
        "unknown-backend",
        `unknown backend "${name}" (configured: ${this.names().join(", ") || "none"})`,
      );
    }
    const factory = this.#factories.get(cfg.type);
    if (factory === undefined) {
      throw new PermanentError(
        "unknown-backend",
        `backend "${name}" has type "${cfg.type}", which no factory handles`,
      );
    }
    const backend = factory(name, cfg, this.#deps);
    this.#cache.set(name, backend);
    return backend;
  }
}
