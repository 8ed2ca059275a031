export { findNatsServer, probeVersion, defaultCacheDir } from "./find-binary.ts";
export type { NatsBinary, FindNatsServerOptions } from "./find-binary.ts";
export { startNatsServer } from "./server.ts";
export type { NatsServerOptions, RunningNatsServer } from "./server.ts";
export { MIN_SERVER_VERSION, parseVersion, versionAtLeast } from "./version.ts";
export { freePort } from "./free-port.ts";
export { startNatsCluster, metaLeaderOf, jetStreamHealthy } from "./cluster.ts";
export type { NatsCluster, NatsClusterOptions, ClusterNode } from "./cluster.ts";
