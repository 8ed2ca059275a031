import type { NotificationView } from "../summary.ts";

/** Slack's limits for the blocks we use (Block Kit reference). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
} as const;

export interface SlackMessage {
  /** Fallback for notifications and screen readers. */
  text: string;
  blocks: Record<string, unknown>[];
}

/** mrkdwn needs `&`, `<` and `>` escaped; everything else is literal. */
export function escapeMrkdwn(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Cuts `raw` so that `transform(cut + "…")` fits in `limit` (never splitting a surrogate pair). */
export function fit(
  raw: string,
  limit: number,
  transform: (s: string) => string = (s) => s,
): string {
  const whole = transform(raw);
  if (whole.length <= limit) return whole;
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (transform(`${raw.slice(0, mid)}…`).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  const code = raw.charCodeAt(lo - 1);
  if (code >= 0xd800 && code <= 0xdbff) lo--;
  return transform(`${raw.slice(0, lo)}…`);
}

function mrkdwn(text: string, limit: number): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: fit(text, limit, escapeMrkdwn) };
}

/** A Block Kit message for an incoming webhook: header, facts, body, buttons, context. */
export function slackMessage(view: NotificationView): SlackMessage {
  const heading = `${view.emoji} ${view.headline}: ${view.title}`;
  const blocks: Record<string, unknown>[] = [
    {
      type: "header",
      text: { type: "plain_text", text: fit(heading, SLACK_LIMITS.headerText), emoji: true },
    },
  ];
  const facts = view.facts.slice(0, SLACK_LIMITS.fields);
  if (facts.length > 0) {
    blocks.push({
      type: "section",
      fields: facts.map(([label, value]) => ({
        type: "mrkdwn",
        text: `*${escapeMrkdwn(label)}*\n${fit(value || "-", SLACK_LIMITS.fieldText - label.length - 4, escapeMrkdwn)}`,
      })),
    });
  }
  if (view.body !== undefined)
    blocks.push({ type: "section", text: mrkdwn(view.body, SLACK_LIMITS.sectionText) });
  const links = view.links
    .filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl)
    .slice(0, SLACK_LIMITS.actionsElements);
  if (links.length > 0) {
    blocks.push({
      type: "actions",
      elements: links.map((l, i) => ({
        type: "button",
        action_id: `link-${i}`,
        text: { type: "plain_text", text: fit(l.label, SLACK_LIMITS.buttonText), emoji: true },
        url: l.url,
      })),
    });
  }
  if (view.context.length > 0) {
    blocks.push({
      type: "context",
      elements: [mrkdwn(view.context.join(" · "), SLACK_LIMITS.sectionText)],
    });
  }
  return { text: fit(heading, 3000), blocks };
}
