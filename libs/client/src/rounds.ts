import type { Bus } from "@nightshift/messaging";
import type { TaskRounds } from "./wire/rounds.ts";

function parse(data: Uint8Array | null): unknown {
  if (!data) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(data)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A review loop's rounds from the task record, each with the artifacts the executor
 * archived for it (the worker's report, the review request and report, the fix list),
 * read from the object store. Undefined when there is no such task.
 */
export async function taskRounds(bus: Bus, id: string): Promise<TaskRounds | undefined> {
  const r = (await bus.tasks.get(id))?.record;
  if (!r) return undefined;
  const rounds = await Promise.all(
    (r.rounds ?? []).map(async (round) => {
      const artifacts: Record<string, unknown> = {};
      for (const [name, object] of Object.entries(round.artifacts)) {
        const value = parse(await bus.artifacts.getBlob(object).catch(() => null));
        if (value !== undefined) artifacts[name] = value;
      }
      return { round, artifacts };
    }),
  );
  return {
    id: r.id,
    state: r.state,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    ...(r.task.loop ? { maxRounds: r.task.loop.maxRounds } : {}),
    rounds,
  };
}
