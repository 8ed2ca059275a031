import type { BackendConfig, BackendsConfig } from "@nightshift/config";
import { PermanentError } from "@nightshift/errors";
import { commandBackend } from "./command-backend.ts";
import type { AgentBackend } from "./types.ts";

export type BackendFactory<C extends BackendConfig = BackendConfig> = (
  name: string,
  config: C,
) => AgentBackend;

/**
 * Backends by config `type`. Users add their own with `register`; the executor resolves
 * a task's backend name through the configured `backends` map.
 */
export class BackendRegistry {
  #factories = new Map<string, BackendFactory>();
  #configs: BackendsConfig;
  #cache = new Map<string, AgentBackend>();

  constructor(configs: BackendsConfig) {
    this.#configs = configs;
    this.register("command", (name, cfg) => commandBackend(name, cfg));
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
    const backend = factory(name, cfg);
    this.#cache.set(name, backend);
    return backend;
  }
}
