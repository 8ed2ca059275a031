import { inboxPrefixFor } from "@nightshift/messaging";
import { ADMIN_USER, passwordVariable, type UserPolicy } from "./policy.ts";

const API = "$JS.API";

/** Reading a stream: message get, direct get, and the ordered consumers tails and KV watches use. */
function streamReads(stream: string): string[] {
  return [
    `${API}.STREAM.MSG.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.DELETE.${stream}.>`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.>`,
    // Flow-control replies of push consumers (KV watch, keys, history; object reads).
    `$JS.FC.${stream}.>`,
  ];
}

/** The API subjects that take from, or replace or remove, one durable consumer. */
function durableControl(stream: string, consumer: string): string[] {
  return [
    `${API}.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
    `${API}.CONSUMER.CREATE.${stream}.${consumer}`,
    `${API}.CONSUMER.CREATE.${stream}.${consumer}.>`,
    `${API}.CONSUMER.DURABLE.CREATE.${stream}.${consumer}`,
    `${API}.CONSUMER.DELETE.${stream}.${consumer}`,
  ];
}

export interface SubjectPermissions {
  publish: { allow: string[]; deny: string[] };
  subscribe: { allow: string[] };
}

/**
 * Subjects a user may publish to and subscribe on, in a stable order. Reading a stream would
 * also let a user pull from, or delete, another service's durable consumer on it; those are
 * denied by name (`all` is every user's policy, to know who owns which durable).
 */
export function subjectPermissions(
  user: string,
  p: UserPolicy,
  all: Record<string, UserPolicy>,
): SubjectPermissions {
  const pub = new Set<string>([
    // Metadata only: provision's read-before-write check, openBus, status.
    `${API}.INFO`,
    `${API}.STREAM.INFO.*`,
    `${API}.CONSUMER.INFO.*.*`,
    ...p.publish,
  ]);
  for (const { stream, consumer } of p.consume) {
    pub.add(`${API}.CONSUMER.CREATE.${stream}.${consumer}`);
    pub.add(`${API}.CONSUMER.CREATE.${stream}.${consumer}.>`);
    pub.add(`${API}.CONSUMER.DURABLE.CREATE.${stream}.${consumer}`);
    pub.add(`${API}.CONSUMER.MSG.NEXT.${stream}.${consumer}`);
    pub.add(`$JS.ACK.${stream}.${consumer}.>`);
  }
  for (const stream of p.read) for (const s of streamReads(stream)) pub.add(s);
  for (const stream of p.remove ?? []) pub.add(`${API}.STREAM.MSG.DELETE.${stream}`);
  for (const [bucket, access] of Object.entries(p.kv)) {
    for (const s of streamReads(`KV_${bucket}`)) pub.add(s);
    if (access === "write") pub.add(`$KV.${bucket}.>`);
  }
  for (const [store, access] of Object.entries(p.objects)) {
    for (const s of streamReads(`OBJ_${store}`)) pub.add(s);
    if (access === "write") {
      pub.add(`$O.${store}.>`);
      // Deleting or replacing an object purges its chunks.
      pub.add(`${API}.STREAM.PURGE.OBJ_${store}`);
    }
  }
  const deny = Object.values(all)
    .flatMap((other) => other.consume)
    .filter(
      (c) =>
        p.read.includes(c.stream) &&
        !p.consume.some((mine) => mine.stream === c.stream && mine.consumer === c.consumer),
    )
    .flatMap((c) => durableControl(c.stream, c.consumer));
  return {
    publish: { allow: [...pub], deny: [...new Set(deny)] },
    subscribe: { allow: [`${inboxPrefixFor(user)}.>`] },
  };
}

function list(items: string[], indent: string): string {
  return `[\n${items.map((s) => `${indent}  ${JSON.stringify(s)}`).join("\n")}\n${indent}]`;
}

/**
 * The `authorization` block of nats-server's configuration: the admin user and one user per
 * service, each password read by nats-server from its environment (`$NATS_PASSWORD_<USER>`).
 */
export function renderAuthorization(policies: Record<string, UserPolicy>): string {
  const users = [
    `    { user: ${JSON.stringify(ADMIN_USER)}, password: $${passwordVariable(ADMIN_USER)} }`,
  ];
  for (const [user, policy] of Object.entries(policies).sort(([a], [b]) => a.localeCompare(b))) {
    const perms = subjectPermissions(user, policy, policies);
    const deny = perms.publish.deny.length ? `, deny: ${list(perms.publish.deny, "        ")}` : "";
    users.push(
      [
        "    {",
        `      user: ${JSON.stringify(user)}`,
        `      password: $${passwordVariable(user)}`,
        "      permissions: {",
        `        publish: { allow: ${list(perms.publish.allow, "        ")}${deny} }`,
        `        subscribe: { allow: ${list(perms.subscribe.allow, "        ")} }`,
        "      }",
        "    }",
      ].join("\n"),
    );
  }
  return [
    "# Generated from deploy/src/nats-auth/policy.ts by `npm run nats-auth`; do not edit.",
    "# Included by deploy/nats/nats-server.conf (compose) and k8s/base/nats/nats.conf.",
    "# Passwords come from nats-server's environment: one NATS_PASSWORD_<USER> per user.",
    "authorization {",
    "  users = [",
    users.join("\n"),
    "  ]",
    "}",
    "",
  ].join("\n");
}
