import { Escalation, Subjects } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

/**
 * Publishes an escalation for the notifier (a RED item: a person decides, no agent runs).
 * `Nats-Msg-Id` is `esc:<id>`; the caller records it handled so it is sent once.
 */
export async function publishEscalation(bus: Bus, input: Escalation): Promise<Escalation> {
  const esc = Escalation.parse(input);
  await bus.js.publish(Subjects.escalation(esc.id), JSON.stringify(esc), {
    msgID: `esc:${esc.id}`,
  });
  return esc;
}
