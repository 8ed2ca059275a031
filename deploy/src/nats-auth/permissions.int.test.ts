import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AckPolicy, jetstream, jetstreamManager, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { PermissionViolationError } from "@nats-io/nats-core";
import { Buckets, ObjectStores, Streams, Subjects } from "@nightshift/contracts";
import { parseConfig } from "@nightshift/config";
import {
  connectNats,
  inboxPrefixFor,
  streamConfigs,
  type NatsConnection,
} from "@nightshift/messaging";
import { buildCli, composeFixture, type ComposeFixture } from "../compose/fixture.int.ts";
import { ADMIN_USER, passwordVariable, SERVICE_POLICIES, type UserPolicy } from "./policy.ts";
import { subjectMatches } from "./subjects.ts";

let f: ComposeFixture;
let url: string;
const open: NatsConnection[] = [];

beforeAll(async () => {
  buildCli();
  f = await composeFixture();
  url = (await f.startNats()).url;
  const provision = f.start("provision");
  expect(await provision.exited, provision.output()).toBe(0);
  // Durable consumers the services create for themselves, so every grant can be exercised.
  const admin = await connect(ADMIN_USER);
  const jsm = await jetstreamManager(admin);
  for (const p of Object.values(SERVICE_POLICIES)) {
    for (const { stream, consumer, filter } of p.consume) {
      const exists = await jsm.consumers.info(stream, consumer).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await jsm.consumers.add(stream, {
          durable_name: consumer,
          ack_policy: AckPolicy.Explicit,
          ...(filter !== undefined ? { filter_subject: filter } : {}),
        });
      }
    }
  }
}, 180_000);
afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close()));
  await f.dispose();
});

async function connect(user: string): Promise<NatsConnection> {
  const nc = await connectNats({
    servers: url,
    name: `permissions-${user}`,
    user,
    pass: f.env[passwordVariable(user)],
    inboxPrefix: inboxPrefixFor(user),
  });
  open.push(nc);
  return nc;
}

type Outcome = "allowed" | "refused";

/** Refused when the server said "Permissions Violation"; any other answer means it got through. */
async function attempt(op: () => Promise<unknown>): Promise<Outcome> {
  try {
    await op();
    return "allowed";
  } catch (err) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      if (e instanceof PermissionViolationError) return "refused";
    }
    // An API error (not found, no such message) is an answer: the request was let through.
    if (err instanceof JetStreamApiError) return "allowed";
    if (err instanceof Error && /not found|no message/i.test(err.message)) return "allowed";
    throw err;
  }
}

/** A concrete subject for a pattern: `tasks.run.>` → `tasks.run.probe.x`. */
function probe(pattern: string): string {
  return pattern.replace(/\*/g, "probe").replace(/>$/, "probe.x");
}

const { config } = parseConfig({}, {});
const probes = [
  ...new Set([
    ...streamConfigs(config.nats).flatMap((s) => (s.subjects ?? []).map(probe)),
    ...Object.values(SERVICE_POLICIES).flatMap((p) => p.publish.map(probe)),
    Subjects.taskRun("probe"),
    Subjects.outbox("email"),
    Subjects.outbox("webhook"),
  ]),
];
const consumerStreams = Object.values(SERVICE_POLICIES).flatMap((p) => p.consume);

function expected(granted: boolean): Outcome {
  return granted ? "allowed" : "refused";
}

describe.each(Object.entries(SERVICE_POLICIES))("NATS user %s", (user, policy: UserPolicy) => {
  it("publishes exactly where its policy allows", async () => {
    const js = jetstream(await connect(user));
    for (const subject of probes) {
      const want = expected(policy.publish.some((p) => subjectMatches(p, subject)));
      expect([subject, await attempt(() => js.publish(subject, "{}", { timeout: 5_000 }))]).toEqual(
        [subject, want],
      );
    }
  });

  it("reads and writes exactly the KV buckets its policy names", async () => {
    const kvm = new Kvm(jetstream(await connect(user)));
    for (const bucket of Object.values(Buckets)) {
      const kv = await kvm.open(bucket);
      const access = policy.kv[bucket];
      expect([bucket, "read", await attempt(() => kv.get("probe"))]).toEqual([
        bucket,
        "read",
        expected(access !== undefined),
      ]);
      expect([bucket, "write", await attempt(() => kv.put(`probe.${user}`, "x"))]).toEqual([
        bucket,
        "write",
        expected(access === "write"),
      ]);
    }
  });

  it("takes messages only from its own durable consumers", async () => {
    const nc = await connect(user);
    for (const { stream, consumer } of consumerStreams) {
      const mine = policy.consume.some((c) => c.stream === stream && c.consumer === consumer);
      // The pull request itself, as a request so that a refusal comes back as its answer; its own
      // reply subscription, because a delivered message keeps its original subject.
      const pull = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
      const outcome = await attempt(() =>
        nc.request(pull, JSON.stringify({ batch: 1, no_wait: true }), {
          timeout: 5_000,
          noMux: true,
        }),
      );
      expect([`${stream}/${consumer}`, outcome]).toEqual([`${stream}/${consumer}`, expected(mine)]);
      if (mine) continue;
      // Reading a stream must not let a user delete another service's durable on it.
      const remove = `$JS.API.CONSUMER.DELETE.${stream}.${consumer}`;
      expect([remove, await attempt(() => nc.request(remove, "", { timeout: 5_000 }))]).toEqual([
        remove,
        "refused",
      ]);
    }
  });

  it("reads the object store only when its policy says so", async () => {
    const objm = new Objm(jetstream(await connect(user)));
    for (const store of Object.values(ObjectStores)) {
      const access = policy.objects[store];
      const os = await objm.open(store, false);
      expect([store, "read", await attempt(() => os.info("probe"))]).toEqual([
        store,
        "read",
        expected(access !== undefined),
      ]);
      expect([
        store,
        "write",
        await attempt(() => os.putBlob({ name: `probe-${user}` }, new Uint8Array([1]))),
      ]).toEqual([store, "write", expected(access === "write")]);
    }
  });

  it("deletes single messages only from the streams its policy names", async () => {
    const jsm = await jetstreamManager(await connect(user));
    for (const stream of Object.values(Streams)) {
      const want = expected((policy.remove ?? []).includes(stream));
      expect([stream, await attempt(() => jsm.streams.deleteMessage(stream, 999_999))]).toEqual([
        stream,
        want,
      ]);
    }
  });

  it("may not create streams nor listen on another user's replies", async () => {
    const nc = await connect(user);
    const jsm = await jetstreamManager(nc);
    expect(
      await attempt(() =>
        jsm.streams.add({ name: `PROBE_${user.replace(/-/g, "_")}`, subjects: [`probe.${user}`] }),
      ),
    ).toBe("refused");
    const sniff = nc.subscribe("_INBOX.>");
    expect(await sniff.closed).toBeInstanceOf(PermissionViolationError);
    const own = nc.subscribe(`${inboxPrefixFor(user)}.probe`);
    await nc.flush();
    expect(own.isClosed()).toBe(false);
    own.unsubscribe();
  });
});

describe("the examples the deployment promises", () => {
  it("refuses the notifier publishing a task and the email gateway reading the budgets", async () => {
    const notifier = jetstream(await connect("notifier"));
    expect(await attempt(() => notifier.publish(Subjects.taskRun("repo"), "{}"))).toBe("refused");
    const gateway = await new Kvm(jetstream(await connect("email-gateway"))).open(Buckets.budgets);
    expect(await attempt(() => gateway.get("repo.x"))).toBe("refused");
    expect(await attempt(() => gateway.keys())).toBe("refused");
  });

  it("refuses a wrong password and lets admin manage streams", async () => {
    await expect(
      connectNats({
        servers: url,
        name: "intruder",
        user: "executor",
        pass: "wrong",
        timeoutMs: 3_000,
      }),
    ).rejects.toThrow(/Authorization|authentication/i);
    const jsm = await jetstreamManager(await connect(ADMIN_USER));
    await jsm.streams.add({ name: "PROBE_ADMIN", subjects: ["probe.admin"] });
    expect((await jsm.streams.info("PROBE_ADMIN")).config.name).toBe("PROBE_ADMIN");
  });
});
