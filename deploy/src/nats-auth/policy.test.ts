import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Buckets, Consumers, ObjectStores, Streams } from "@nightshift/contracts";
import { SERVICE_NAMES } from "@nightshift/host";
import { NATS_AUTH_FILE, REPO_ROOT } from "../paths.ts";
import { ADMIN_USER, passwordVariable, SERVICE_POLICIES } from "./policy.ts";
import { renderAuthorization } from "./render.ts";
import { subjectMatches } from "./subjects.ts";

describe("NATS users and permissions", () => {
  it("has one user per service, named as the service", () => {
    expect(Object.keys(SERVICE_POLICIES).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(Object.keys(SERVICE_POLICIES)).not.toContain(ADMIN_USER);
  });

  it("gives every durable consumer to exactly one service", () => {
    for (const consumer of Object.values(Consumers)) {
      const owners = Object.entries(SERVICE_POLICIES).filter(([, p]) =>
        p.consume.some((c) => c.consumer === consumer),
      );
      expect([consumer, owners.map(([u]) => u)]).toEqual([consumer, [expect.any(String)]]);
    }
  });

  it("gives every bucket, object store and stream to some service (a new one needs a decision)", () => {
    const policies = Object.values(SERVICE_POLICIES);
    for (const bucket of Object.values(Buckets)) {
      expect(
        policies.some((p) => p.kv[bucket] !== undefined),
        `bucket ${bucket}`,
      ).toBe(true);
    }
    for (const store of Object.values(ObjectStores)) {
      expect(
        policies.some((p) => p.objects[store] === "write"),
        `object store ${store}`,
      ).toBe(true);
    }
    for (const stream of Object.values(Streams)) {
      const used = policies.some(
        (p) => p.read.includes(stream) || p.consume.some((c) => c.stream === stream),
      );
      expect(used, `stream ${stream} is read`).toBe(true);
    }
  });

  it(`is rendered into ${NATS_AUTH_FILE} (run \`npm run nats-auth\` after changing the policy)`, () => {
    const onDisk = readFileSync(join(REPO_ROOT, NATS_AUTH_FILE), "utf8");
    expect(onDisk).toBe(renderAuthorization(SERVICE_POLICIES));
    for (const user of [ADMIN_USER, ...Object.keys(SERVICE_POLICIES)]) {
      expect(onDisk).toContain(`password: $${passwordVariable(user)}`);
    }
  });

  it("names password variables after the user", () => {
    expect(passwordVariable("email-gateway")).toBe("NATS_PASSWORD_EMAIL_GATEWAY");
  });
});

describe("subjectMatches", () => {
  it("matches tokens, * and a final > as nats-server does", () => {
    expect(subjectMatches("tasks.run.>", "tasks.run.abc")).toBe(true);
    expect(subjectMatches("tasks.run.>", "tasks.run")).toBe(false);
    expect(subjectMatches("outbox.email", "outbox.webhook")).toBe(false);
    expect(subjectMatches("$JS.API.STREAM.INFO.*", "$JS.API.STREAM.INFO.TASKS")).toBe(true);
    expect(subjectMatches("$JS.API.STREAM.INFO.*", "$JS.API.STREAM.INFO.TASKS.x")).toBe(false);
    expect(subjectMatches("a.*.c", "a.b.c")).toBe(true);
  });
});
