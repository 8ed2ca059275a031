export { executorService, taskDlqSubject } from "./service.ts";
export type { ExecutorOptions } from "./service.ts";
export { agentBaseEnv } from "./agent-env.ts";
export type { ResultSink } from "./result-sink.ts";
