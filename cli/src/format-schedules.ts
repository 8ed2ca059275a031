import type { SchedulesStatus } from "@nightshift/client";
import { duration } from "./format.ts";

/** The `schedules` part of `nightshift status`: next fire time, counters, pause state. */
export function scheduleLines(s: SchedulesStatus, now = Date.now()): string[] {
  const head = s.pausedAll
    ? `schedules (all paused by ${s.pausedAll.by} at ${s.pausedAll.at})`
    : "schedules";
  if (s.schedules.length === 0) return [head, "  none handled yet"];
  return [
    head,
    ...s.schedules.map((sc) => {
      const upcoming = sc.next.find((t) => Date.parse(t) > now);
      const next = upcoming
        ? `next ${upcoming} (in ${duration(Date.parse(upcoming) - now)})`
        : `next overdue since ${sc.next[0] ?? sc.cursor} (is a scheduler running?)`;
      const skips = Object.entries(sc.skips)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(", ");
      const skipped = Object.values(sc.skips).reduce((a, n) => a + n, 0);
      const paused = sc.paused ? `  [paused by ${sc.paused.by}]` : "";
      return `  ${sc.name.padEnd(16)} ${next}  fired ${sc.fires}  skipped ${skipped}${skips ? ` (${skips})` : ""}${paused}`;
    }),
  ];
}
