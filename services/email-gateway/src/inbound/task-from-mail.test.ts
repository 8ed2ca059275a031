import { describe, expect, it } from "vitest";
import { EmailConfig } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import type { InboundMail } from "./parse-message.ts";
import { taskFromMail } from "./task-from-mail.ts";

function mail(text: string): InboundMail {
  return {
    messageId: "<m1@example.test>",
    syntheticId: false,
    from: "ada@example.test",
    replyTo: undefined,
    to: ["agent@example.test"],
    cc: [],
    subject: "Crash on save",
    text,
    inReplyTo: undefined,
    references: [],
    headers: [],
    attachments: [],
    problems: [],
    malformed: false,
    isReport: false,
  };
}

function task(text: string): Task {
  return Task.parse(
    taskFromMail({
      mail: mail(text),
      cfg: EmailConfig.parse({
        address: "agent@example.test",
        imap: { host: "imap.example.test", user: "agent" },
        smtp: { host: "smtp.example.test", security: "starttls" },
        task: { repo: "/srv/app" },
      }),
      taskId: "0123456789ab",
      threadKey: "t",
      threadRoot: "<m1@example.test>",
      inputs: [],
      dropped: [],
      uid: 1,
    }),
  );
}

describe("taskFromMail", () => {
  it("takes the task card and review loop from a nightshift-card block in the mail", () => {
    const t = task(
      'Please fix it.\n\n```nightshift-card\n{"goal": "No crash on save", "testSteps": ["npm test"], "loop": {}}\n```\n',
    );
    expect(t.card).toMatchObject({ goal: "No crash on save", testSteps: ["npm test"] });
    expect(t.loop).toEqual({ maxRounds: 3 });
    expect(t.prompt).toContain("Please fix it.");
    expect(task("Please fix it.").loop).toBeUndefined();
  });
});
