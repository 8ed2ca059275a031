import { Presence } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

/** Service instances announced in the `services` bucket, by service name then instance. */
export async function listServices(bus: Bus): Promise<Presence[]> {
  const out: Presence[] = [];
  for await (const key of await bus.kv.services.keys()) {
    const e = await bus.kv.services.get(key);
    if (!e || e.operation !== "PUT") continue;
    try {
      const p = Presence.safeParse(e.json());
      if (p.success) out.push(p.data);
    } catch {
      // not JSON: skipped like any other malformed entry
    }
  }
  return out.sort(
    (a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance),
  );
}
