import { z } from "zod";

/** Where an agent reports what it did, relative to its workspace. */
export const RESULT_FILE = ".nightshift/result.json";

export const TestRun = z.strictObject({
  command: z.string().min(1),
  passed: z.boolean(),
  /** The last lines of output, if the agent kept them. */
  output: z.string().max(20_000).optional(),
});

/**
 * The results contract: the file an agent writes at the end of its work. "Done" is read
 * from here (checked against the exit code, the backend's final event and the git state),
 * never from the agent's prose.
 */
export const AgentResultFile = z.strictObject({
  status: z.enum(["done", "blocked", "needs_input"]),
  summary: z.string().min(1).max(20_000),
  blockers: z.array(z.string().min(1)).default([]),
  testsRun: z.array(TestRun).default([]),
});
export type AgentResultFile = z.infer<typeof AgentResultFile>;
