import { deterministicTaskId } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { publishEscalation } from "./escalate.ts";
import type { EscalationFields } from "./github/context.ts";
import { remember, type ItemStore } from "./item-state.ts";

/**
 * Publishes the escalation of a RED trigger once: its id derives from the trigger key
 * (`esc:<id>` dedupes a repeated publish) and the item remembers the trigger as handled.
 */
export async function escalateOnce(
  bus: Bus,
  items: ItemStore,
  key: string,
  item: string,
  fields: EscalationFields,
): Promise<boolean> {
  const { state } = await items.get(item);
  if (state.handled.includes(key)) return false;
  await publishEscalation(bus, {
    ...fields,
    v: 1,
    id: deterministicTaskId("esc", key),
    at: new Date().toISOString(),
  });
  await items.update(item, (s) => ({
    state: { ...s, handled: remember(s.handled, key) },
    result: 0,
  }));
  return true;
}
