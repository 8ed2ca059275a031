import { Consumers, isTerminal, Streams } from "@nightshift/contracts";
import type { ServiceProcess } from "./service-process.ts";
import type { Topology } from "./topology.ts";

/** The port a service's health server listens on, from its last start's log line. */
function statusUrl(s: ServiceProcess): string | undefined {
  const lines = s
    .log()
    .split("\n")
    .filter((l) => l.includes('"health endpoints listening"'));
  const last = lines[lines.length - 1];
  if (last === undefined) return undefined;
  try {
    const { host, port } = JSON.parse(last) as { host: string; port: number };
    return `http://${host}:${port}/status`;
  } catch {
    return undefined;
  }
}

async function attempt<T>(what: () => Promise<T>): Promise<T | string> {
  try {
    return await what();
  } catch (err) {
    return `(${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * What the report shows when a run did not settle: the executor consumer's and the TASKS
 * stream's view, the unfinished records and every executor's own `/status`.
 */
export async function diagnose(topo: Topology): Promise<string> {
  const { bus } = topo;
  const consumer = await attempt(async () => {
    const c = await bus.jsm.consumers.info(Streams.tasks, Consumers.executor);
    return {
      pending: c.num_pending,
      ackPending: c.num_ack_pending,
      waiting: c.num_waiting,
      redelivered: c.num_redelivered,
      delivered: c.delivered.stream_seq,
      ackFloor: c.ack_floor.stream_seq,
      leader: c.cluster?.leader,
    };
  });
  const stream = await attempt(async () => {
    const s = await bus.jsm.streams.info(Streams.tasks);
    return { ...s.state, leader: s.cluster?.leader, replicas: s.cluster?.replicas };
  });
  const open = await attempt(async () => {
    const out: string[] = [];
    for (const id of await bus.tasks.ids()) {
      const r = (await bus.tasks.get(id))?.record;
      if (r && !isTerminal(r.state))
        out.push(
          `${id} ${r.state}${r.waitReason ? `/${r.waitReason}` : ""} attempts=${r.attempts} updated=${r.updatedAt} executor=${r.executor?.instance ?? "-"}`,
        );
    }
    return out.slice(0, 30);
  });
  const executors = await Promise.all(
    topo.executors.map(async (e) => {
      const url = statusUrl(e);
      if (url === undefined) return `${e.name}: no status endpoint`;
      const body = await attempt(async () => {
        const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
        return JSON.stringify(await res.json());
      });
      return `${e.name} (pid ${e.pid() ?? "-"}): ${String(body).slice(0, 1500)}`;
    }),
  );
  return [
    "diagnosis (the run did not settle):",
    `  executor consumer: ${JSON.stringify(consumer)}`,
    `  TASKS stream: ${JSON.stringify(stream)}`,
    "  unfinished records:",
    ...(Array.isArray(open) ? open.map((l) => `    ${l}`) : [`    ${open}`]),
    "  executors:",
    ...executors.map((l) => `    ${l}`),
  ].join("\n");
}
