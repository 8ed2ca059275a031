import type { KV } from "@nightshift/messaging";
import { CancelRequest } from "@nightshift/contracts";

type Listener = (req: CancelRequest) => void;

/** Delivers cancellation requests written to the control bucket to the task running here. */
export interface CancelWatch {
  /** Registers for a task; returns the unregister function. */
  on(taskId: string, listener: Listener): () => void;
  /** Reads the flag directly (used before a run starts and as a fallback to the watch). */
  check(taskId: string): Promise<CancelRequest | undefined>;
  stop(): void;
}

const PREFIX = "cancel.";

export async function startCancelWatch(
  control: KV,
  onError: (err: unknown) => void,
): Promise<CancelWatch> {
  const listeners = new Map<string, Listener>();
  const parse = (data: unknown): CancelRequest | undefined => {
    const r = CancelRequest.safeParse(data);
    return r.success ? r.data : undefined;
  };
  const iter = await control.watch({ key: `${PREFIX}>` });
  void (async () => {
    for await (const e of iter) {
      if (e.operation !== "PUT") continue;
      const listener = listeners.get(e.key.slice(PREFIX.length));
      if (!listener) continue;
      let value: unknown;
      try {
        value = e.json();
      } catch {
        value = {};
      }
      listener(parse(value) ?? { at: new Date().toISOString(), by: "unknown" });
    }
  })().catch(onError);
  return {
    on(taskId, listener) {
      listeners.set(taskId, listener);
      return () => listeners.delete(taskId);
    },
    async check(taskId) {
      const e = await control.get(`${PREFIX}${taskId}`);
      if (!e || e.operation !== "PUT") return undefined;
      try {
        return parse(e.json()) ?? { at: e.created.toISOString(), by: "unknown" };
      } catch {
        return { at: e.created.toISOString(), by: "unknown" };
      }
    },
    stop() {
      iter.stop();
    },
  };
}
