import type { Logger } from "@nightshift/runtime";
import { coerceError } from "@nightshift/errors";
import { acceptTrigger, type AcceptContext } from "./accept.ts";
import { CursorKeys } from "./kv-keys.ts";
import { retryTask } from "./retry.ts";

/**
 * Publishes what has come due: triggers that waited out their item's cooldown, and
 * failed tasks whose retry time has come. Runs on the poller's leader only.
 */
export async function processDue(ctx: AcceptContext, log: Logger): Promise<void> {
  const kv = ctx.bus.kv.cursors;
  const items: string[] = [];
  for await (const k of await kv.keys(CursorKeys.dueAll)) items.push(k.slice("due.".length));
  const now = (ctx.now ?? Date.now)();
  for (const item of items) {
    try {
      let { state } = await ctx.items.get(item);
      if (state.retry && Date.parse(state.retry.due) <= now) {
        const taskId = state.retry.taskId;
        const retried = await retryTask(ctx.bus, taskId);
        await ctx.items.update(item, (s) => {
          if (s.retry?.taskId !== taskId) return { result: 0 };
          delete s.retry;
          if (retried) {
            s.attempts += 1;
            s.lastTaskAt = new Date(now).toISOString();
          }
          return { state: s, result: 0 };
        });
        if (retried) log.info({ item, taskId }, "failed task retried");
      }
      ({ state } = await ctx.items.get(item));
      for (const q of state.queue.filter((x) => Date.parse(x.due) <= now)) {
        const result = await acceptTrigger(ctx, q.trigger);
        log.info({ item, trigger: q.trigger.key, result }, "waiting trigger taken up");
      }
      ({ state } = await ctx.items.get(item));
      if (!state.retry && state.queue.length === 0) await kv.delete(CursorKeys.due(item));
    } catch (err) {
      log.warn({ err: coerceError(err), item }, "due work failed; trying again next tick");
    }
  }
}
