export { linearRequest, mapLinearError, parseAnswer } from "./client.ts";
export type { LinearRequest, LinearClientOptions } from "./client.ts";
export { LinearApi, LinearIssue } from "./api.ts";
