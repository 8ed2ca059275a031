import { Keys, type Presence } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface PresenceOptions {
  bus: Bus;
  services: readonly string[];
  instance: string;
  http?: string;
  state: () => string;
  intervalMs?: number;
}

/**
 * Announces running services in the `services` bucket every `intervalMs`, so `status`
 * can list them; entries vanish by the bucket's TTL when an instance dies.
 * Returns the function that stops announcing and removes the entries.
 */
export function announcePresence(opts: PresenceOptions): () => Promise<void> {
  const startedAt = new Date().toISOString();
  const write = async (): Promise<void> => {
    const seenAt = new Date().toISOString();
    await Promise.all(
      opts.services.map((service) => {
        const value: Presence = {
          service,
          instance: opts.instance,
          startedAt,
          seenAt,
          state: opts.state(),
          ...(opts.http !== undefined ? { http: opts.http } : {}),
        };
        return opts.bus.kv.services.put(
          Keys.presence(service, opts.instance),
          JSON.stringify(value),
        );
      }),
    );
  };
  void write().catch(() => undefined);
  const timer = setInterval(() => void write().catch(() => undefined), opts.intervalMs ?? 10_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await Promise.all(
      opts.services.map((s) =>
        opts.bus.kv.services.delete(Keys.presence(s, opts.instance)).catch(() => undefined),
      ),
    );
  };
}
