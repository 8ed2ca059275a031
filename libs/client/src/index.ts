export { submitTask, normaliseRepo } from "./submit.ts";
export type { SubmitRequest } from "./submit.ts";
export { cancelTask } from "./cancel.ts";
export type { CancelResult } from "./cancel.ts";
