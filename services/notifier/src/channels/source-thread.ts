import type { SourceKind } from "@nightshift/contracts";
import { sourceKindOf, type NotificationChannel } from "../channel.ts";

/**
 * A `type: source` channel: hands each notification to the channel registered for its
 * source kind (a GitHub comment for GitHub tasks, a Linear comment for Linear ones). Kinds
 * without one, and notifications that channel declines, are not this channel's business.
 */
export function sourceThreadChannel(
  name: string,
  byKind: ReadonlyMap<SourceKind, NotificationChannel>,
): NotificationChannel {
  const target = (n: Parameters<NotificationChannel["send"]>[0]) => {
    const kind = sourceKindOf(n);
    return kind === undefined ? undefined : byKind.get(kind);
  };
  return {
    name,
    accepts(n) {
      const t = target(n);
      return t !== undefined && (t.accepts?.(n) ?? true);
    },
    async send(n) {
      const t = target(n);
      if (t === undefined) return;
      await t.send(n);
    },
  };
}
