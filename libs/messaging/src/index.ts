export { connectNats, assertServerVersion, inboxPrefixFor } from "./connect.ts";
export type { ConnectOptions } from "./connect.ts";
export { provision, streamConfigs, PRESENCE_TTL_MS } from "./provision.ts";
export type { ProvisionReport } from "./provision.ts";
export { openBus } from "./bus.ts";
export type { Bus } from "./bus.ts";
export { settle } from "./settle.ts";
export type { SettleOptions, Settled } from "./settle.ts";
export { ack, retry, dead, abandon, backoffMs, outcomeFromError } from "./outcome.ts";
export type { Outcome } from "./outcome.ts";
export { runConsumer } from "./run-consumer.ts";
export type { RunConsumerOptions, RunningConsumer, MessageContext } from "./run-consumer.ts";
export { acquireLease, leaseHolder, isWrongLastSequence } from "./lease.ts";
export type { Lease, LeaseHolder } from "./lease.ts";
export {
  TaskStore,
  newRecord,
  applyTransition,
  copyRecord,
  recordHeaders,
  recordFromHeaders,
} from "./task-store.ts";
export type { StoredRecord, TransitionOptions } from "./task-store.ts";
export { eventPublisher } from "./events.ts";
export type { EventPublisher } from "./events.ts";
export { publishTask } from "./publish-task.ts";
export { publishEmail } from "./publish-email.ts";
export type { PublishResult } from "./publish-task.ts";
export type { JsMsg, JetStreamClient } from "@nats-io/jetstream";
export { DeliverPolicy } from "@nats-io/jetstream";
export type { NatsConnection } from "@nats-io/transport-node";
export type { KV } from "@nats-io/kv";
export type { ObjectStore } from "@nats-io/obj";
export { budgetScopes, overBudget, addSpend, spendOn, utcDay, nextUtcDay } from "./budgets.ts";
export type { BudgetScope, SpendCounter } from "./budgets.ts";
export { terminalEvent, publishTerminalEvent, ensureTerminalEvent } from "./terminal-event.ts";
