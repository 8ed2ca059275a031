import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { approvalOf, decideApproval } from "@nightshift/client";
import { eventPublisher } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import { FLAG_DONE } from "./inbound/flags.ts";
import { ALICE, GatewayFixture, rawMail, taskIdOf } from "./gateway-fixture.int.ts";

const fx = new GatewayFixture();
beforeAll(() => fx.start());
afterAll(() => fx.dispose());
afterEach((ctx) => fx.afterEach(ctx));

function header(mail: { headers: Map<string, string[]> }, key: string): string {
  const v = mail.headers.get(key)?.[0];
  if (v === undefined) throw new Error(`no ${key} header`);
  return v;
}

async function mailReplyingTo(messageId: string, after: number) {
  return waitFor(
    () => fx.smtp.mails.slice(after).find((m) => m.headers.get("in-reply-to")?.[0] === messageId),
    { timeoutMs: 20_000, message: `a mail in reply to ${messageId}` },
  );
}

describe("email threads: approvals and follow-ups", () => {
  it("asks for approval in the thread of a supervised task and writes the answer to the control bucket", async () => {
    const gw = await fx.gateway({ task: { backend: "agent", mode: "supervised" } });
    const bus = await fx.bus();
    const original = "<plan-1@example.test>";
    const id = taskIdOf(original);
    const sent = fx.smtp.mails.length;
    await fx.imap.append(rawMail({ messageId: original, subject: "Refactor the parser" }));
    const rec = await waitFor(() => fx.record(gw, id), { message: "the supervised task" });
    expect(rec.task.mode).toBe("supervised");

    // What the executor does at a checkpoint of a supervised task (built elsewhere): wait
    // with reason awaiting-approval, and say so in a state event.
    await bus.tasks.transition(id, "running");
    await bus.tasks.transition(id, "waiting", {
      reason: "awaiting-approval",
      waitReason: "awaiting-approval",
      detail: "Plan: split parse() into lexer and parser; 3 files change.",
    });
    await eventPublisher(bus.js, id, 1).emitNow({
      type: "state",
      state: "waiting",
      reason: "awaiting-approval",
      waitReason: "awaiting-approval",
    });
    const question = await mailReplyingTo(original, sent);
    expect(question.subject).toBe("Re: Refactor the parser");
    expect(question.text).toContain(`Task ${id} is waiting for your approval.`);
    expect(question.text).toContain("Plan: split parse() into lexer and parser");
    const questionId = header(question, "message-id");

    // Alice answers the question (her client sets In-Reply-To and References).
    const answer = "<answer-1@example.test>";
    await fx.imap.append(
      rawMail({
        messageId: answer,
        subject: "Re: Refactor the parser",
        inReplyTo: questionId,
        references: `${original} ${questionId}`,
        body: "Approve \u2014 go ahead, but keep the old API.\r\n\r\nOn Sat, nightshift wrote:\r\n> Task is waiting",
      }),
    );
    const approved = await waitFor(async () => approvalOf(bus, id), { message: "the approval" });
    expect(approved).toMatchObject({
      decision: "approve",
      by: `email:${ALICE}`,
      message: "go ahead, but keep the old API.",
    });
    expect(await fx.record(gw, taskIdOf(answer))).toBeUndefined(); // a decision, not a task
    await waitFor(
      async () =>
        (await fx.imap.messages()).find((m) => m.messageId === answer)?.flags.includes(FLAG_DONE),
      { message: "the answer marked" },
    );

    // A second answer, found by In-Reply-To alone, changes the decision.
    await fx.imap.append(
      rawMail({ messageId: "<answer-2@example.test>", inReplyTo: original, body: "reject" }),
    );
    await waitFor(async () => (await approvalOf(bus, id))?.decision === "reject", {
      message: "the rejection",
    });

    // `nightshift approve` writes through the same function (its own test runs the CLI).
    const viaCli = await decideApproval(bus, id, "approve", "cli:alice", "from the terminal");
    expect(viaCli).toMatchObject({ decision: "approve", by: "cli:alice" });
    expect(await approvalOf(bus, id)).toMatchObject({ decision: "approve", by: "cli:alice" });
  });

  it("turns a reply in the thread of an autonomous task into a follow-up task, answered in the same thread", async () => {
    await fx.executor();
    const gw = await fx.gateway();
    const original = "<feature-1@example.test>";
    const first = taskIdOf(original);
    const sent = fx.smtp.mails.length;
    await fx.imap.append(rawMail({ messageId: original, subject: "Add a CHANGELOG" }));
    await fx.terminal(gw, first);
    const reply = await mailReplyingTo(original, sent);
    const replyId = header(reply, "message-id");

    const followUp = "<feature-2@example.test>";
    await fx.imap.append(
      rawMail({
        messageId: followUp,
        subject: "Re: Add a CHANGELOG",
        inReplyTo: replyId,
        references: `${original} ${replyId}`,
        // "approve" means nothing for an autonomous task: this is more work.
        body: "approve, and also mention it in the README",
      }),
    );
    const next = await fx.terminal(gw, taskIdOf(followUp));
    expect(next.task.followUpOf).toBe(first);
    expect(next.task.prompt).toContain(`A follow-up to task ${first}`);
    expect(next.task.prompt).toContain("also mention it in the README");
    expect(next.task.source.attributes["threadKey"]).toBe(
      (await fx.record(gw, first))!.task.source.attributes["threadKey"],
    );
    const answer = await mailReplyingTo(followUp, sent);
    expect(header(answer, "references").split(/\s+/)).toEqual([original, replyId, followUp]);
    expect(answer.text).toContain(`Task ${next.id} is done.`);
    expect(await approvalOf(await fx.bus(), first)).toBeUndefined();
  });

  it("stops replying in a thread at email.limits.repliesPerThread", async () => {
    await fx.executor();
    const gw = await fx.gateway({ limits: { repliesPerThread: 1 } });
    const original = "<capped-1@example.test>";
    const sent = fx.smtp.mails.length;
    await fx.imap.append(rawMail({ messageId: original, subject: "Chatty thread" }));
    await fx.terminal(gw, taskIdOf(original));
    const reply = await mailReplyingTo(original, sent);
    const followUp = "<capped-2@example.test>";
    await fx.imap.append(
      rawMail({ messageId: followUp, inReplyTo: header(reply, "message-id"), body: "one more" }),
    );
    await fx.terminal(gw, taskIdOf(followUp));
    await fx.logs.waitFor(/not sending: the thread already got 1 mails/);
    await fx.outboxDrained(gw);
    expect(fx.smtp.mails.slice(sent)).toHaveLength(1);
  });
});
