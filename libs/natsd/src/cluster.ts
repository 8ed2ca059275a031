import { join } from "node:path";
import { NightshiftError } from "@nightshift/errors";
import { freePort } from "./free-port.ts";
import { startNatsServer, type RunningNatsServer } from "./server.ts";

export interface NatsClusterOptions {
  bin: string;
  /** Parent directory; each node keeps its store and config in `<dir>/<node name>`. */
  dir: string;
  /** Nodes (default 3). */
  size?: number;
  /** Cluster name (default `nightshift`). */
  name?: string;
  host?: string;
  /** `sync_interval: always` on every node. */
  syncAlways?: boolean;
  /** Receives every node's log lines. */
  onLog?: (node: string, line: string) => void;
  /** How long `start` waits for a JetStream meta leader. */
  readyTimeoutMs?: number;
}

/** One node of a cluster: a server handle plus its name and monitoring endpoint. */
export interface ClusterNode extends RunningNatsServer {
  readonly name: string;
  /** `http://host:port` of the node's monitoring endpoint (`/healthz`, `/jsz`). */
  readonly monitorUrl: string;
  /** True while the process runs (not after `stop` or a kill until `restart`). */
  running(): boolean;
}

export interface NatsCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every node's client URL, comma-separated: what NATS_URL is set to. */
  readonly url: string;
  /** The current JetStream meta leader's node, as a running node reports it. */
  metaLeader(): Promise<ClusterNode | undefined>;
  /**
   * Resolves when every running node reports JetStream healthy and agrees on a meta
   * leader; rejects after `timeoutMs`.
   */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops every node (SIGTERM, stores flushed). */
  stop(): Promise<void>;
}

interface JszMeta {
  meta_cluster?: {
    leader?: string;
    replicas?: { name?: string; current?: boolean; offline?: boolean }[];
  };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** The meta leader's name as the node at `monitorUrl` sees it; undefined when it knows none. */
export async function metaLeaderOf(monitorUrl: string): Promise<string | undefined> {
  const { body } = await getJson(`${monitorUrl}/jsz`);
  const leader = (body as JszMeta).meta_cluster?.leader;
  return typeof leader === "string" && leader !== "" ? leader : undefined;
}

/**
 * The peers the meta leader at `monitorUrl` sees as online and current. Until every node
 * is among them, placing an R3 stream can fail with "no suitable peers for placement".
 */
export async function currentMetaPeers(monitorUrl: string): Promise<Set<string>> {
  const { body } = await getJson(`${monitorUrl}/jsz`);
  const replicas = (body as JszMeta).meta_cluster?.replicas ?? [];
  return new Set(
    replicas
      .filter((r) => r.current === true && r.offline !== true && typeof r.name === "string")
      .map((r) => r.name as string),
  );
}

/** True when the node's `/healthz` says JetStream is current (meta layer and assets). */
export async function jetStreamHealthy(monitorUrl: string): Promise<boolean> {
  try {
    return (await getJson(`${monitorUrl}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts a JetStream cluster of `size` nodes on loopback, routes between all of them,
 * and resolves once a meta leader is elected and every node is healthy. Each node keeps
 * its ports and store across `restart()`, so the tests can kill and restart nodes.
 */
export async function startNatsCluster(options: NatsClusterOptions): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const host = options.host ?? "127.0.0.1";
  const clusterName = options.name ?? "nightshift";
  const ports = [];
  for (let i = 0; i < size; i++) {
    ports.push({
      client: await freePort(host),
      route: await freePort(host),
      http: await freePort(host),
    });
  }
  const routes = ports.map((p) => `nats-route://${host}:${p.route}`);
  const started = await Promise.all(
    ports.map(async (p, i) => {
      const name = `n${i + 1}`;
      let up = false;
      const track = (): void => {
        up = true;
        void server.exited().then(() => {
          up = false;
        });
      };
      const server = await startNatsServer({
        bin: options.bin,
        dir: join(options.dir, name),
        host,
        port: p.client,
        httpPort: p.http,
        serverName: name,
        ...(options.syncAlways !== undefined ? { syncAlways: options.syncAlways } : {}),
        cluster: { name: clusterName, port: p.route, routes },
        ...(options.onLog ? { onLog: (line: string) => options.onLog?.(name, line) } : {}),
      });
      track();
      const node: ClusterNode = {
        name,
        url: server.url,
        port: server.port,
        configFile: server.configFile,
        monitorUrl: `http://${host}:${p.http}`,
        pid: () => server.pid(),
        running: () => up,
        signal: (sig) => {
          if (sig === "SIGKILL" || sig === "SIGTERM" || sig === "SIGINT") up = false;
          server.signal(sig);
        },
        async stop() {
          up = false;
          await server.stop();
        },
        async restart() {
          up = false;
          await server.restart();
          track();
        },
        exited: () => server.exited(),
      };
      return node;
    }),
  );
  const cluster: NatsCluster = {
    nodes: started,
    url: started.map((n) => n.url).join(","),
    async metaLeader() {
      for (const node of started) {
        if (!node.running()) continue;
        try {
          const name = await metaLeaderOf(node.monitorUrl);
          const found = started.find((n) => n.name === name);
          if (found) return found;
        } catch {
          // this node is not answering: ask the next
        }
      }
      return undefined;
    },
    async waitReady(timeoutMs = options.readyTimeoutMs ?? 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "no node answered";
      while (Date.now() < deadline) {
        const live = started.filter((n) => n.running());
        const views = await Promise.all(
          live.map(async (n) => ({
            healthy: await jetStreamHealthy(n.monitorUrl),
            leader: await metaLeaderOf(n.monitorUrl).catch(() => undefined),
          })),
        );
        const leaders = new Set(views.map((v) => v.leader));
        const leader = views[0]?.leader;
        if (
          live.length > 0 &&
          views.every((v) => v.healthy) &&
          leaders.size === 1 &&
          leader !== undefined &&
          live.some((n) => n.name === leader)
        ) {
          const leaderNode = live.find((n) => n.name === leader)!;
          const peers = await currentMetaPeers(leaderNode.monitorUrl).catch(() => new Set());
          const missing = live.filter((n) => n.name !== leader && !peers.has(n.name));
          if (missing.length === 0) return;
          last = `the meta leader ${leader} does not yet see ${missing.map((n) => n.name).join(", ")} as current`;
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        last = JSON.stringify(views);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new NightshiftError(
        "TIMEOUT",
        `the NATS cluster did not become ready within ${timeoutMs} ms: ${last}`,
      );
    },
    async stop() {
      await Promise.all(started.map((n) => n.stop()));
    },
  };
  await cluster.waitReady();
  return cluster;
}
