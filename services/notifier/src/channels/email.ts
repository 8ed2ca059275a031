import { EmailOutbound, Subjects } from "@nightshift/contracts";
import type { JetStreamClient } from "@nightshift/messaging";
import type { NotificationChannel } from "../channel.ts";
import { viewOf } from "../summary.ts";

/**
 * Hands the mail to the email gateway: an `EmailOutbound` on `outbox.email` with
 * `Nats-Msg-Id` `email-out:<id>`, so a repeated send is stored once and mailed once.
 */
export function emailChannel(opts: {
  name: string;
  to: string[];
  cc: string[];
  js: JetStreamClient;
  taskUrl?: string | undefined;
}): NotificationChannel {
  return {
    name: opts.name,
    async send(n) {
      const v = viewOf(n, opts.taskUrl);
      const lines = [
        `${v.headline}: ${v.title}`,
        "",
        ...v.facts.map(([k, val]) => `${k}: ${val}`),
        ...(v.body !== undefined ? ["", v.body] : []),
        ...(v.links.length > 0 ? ["", ...v.links.map((l) => `${l.label}: ${l.url}`)] : []),
        ...(v.context.length > 0 ? ["", v.context.join(" · ")] : []),
      ];
      const mail = EmailOutbound.parse({
        v: 1,
        id: `notify-${n.id}-${opts.name}`,
        kind: "notification",
        to: opts.to,
        cc: opts.cc,
        subject: `[nightshift] ${v.headline}: ${v.title}`.slice(0, 200),
        text: `${lines.join("\n")}\n`,
        ...(v.taskId !== undefined ? { taskId: v.taskId } : {}),
        createdAt: new Date().toISOString(),
      });
      await opts.js.publish(Subjects.outbox("email"), JSON.stringify(mail), {
        msgID: `email-out:${mail.id}`,
      });
    },
  };
}
