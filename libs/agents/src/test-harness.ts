import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TaskEventBody } from "@nightshift/contracts";
import { createSandboxDriver, type SandboxDriver, type TaskSandbox } from "@nightshift/sandbox";
import type { AgentRunInput } from "./types.ts";

/** An installed CLI of this repository (`claude`, `codex`). */
export function repoBin(name: string): string {
  return fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));
}

export const TEST_PATH = process.env["PATH"] ?? "/usr/bin:/bin";

export interface Harness {
  box: TaskSandbox;
  workspace: string;
  home: string;
  events: TaskEventBody[];
  input(extra?: Partial<AgentRunInput>): AgentRunInput;
  close(): Promise<void>;
}

/** A bubblewrap sandbox for one task, with a workspace, a private home and an event log. */
export async function harness(slots = 1): Promise<Harness & { driver: SandboxDriver }> {
  const driver = await createSandboxDriver(
    { driver: "bwrap", user: { uid: 10_200, gid: 10_200 }, limits: {}, readOnly: [] },
    { slots, pathEnv: TEST_PATH },
  );
  const workspace = mkdtempSync(join(tmpdir(), "ns-agent-ws-"));
  const home = mkdtempSync(join(tmpdir(), "ns-agent-home-"));
  const box = await driver.open({ taskId: "t", workspace, home });
  const events: TaskEventBody[] = [];
  return {
    driver,
    box,
    workspace,
    home,
    events,
    input: (extra = {}) => ({
      taskId: "t1",
      attempt: 1,
      prompt: "do the task",
      workspace,
      env: { PATH: TEST_PATH, HOME: home, LANG: "C.UTF-8", ...box.env },
      sandbox: box,
      emit: (e) => events.push(e),
      signal: new AbortController().signal,
      killGraceMs: 1_000,
      ...(box.uid !== undefined ? { owner: { uid: box.uid, gid: box.gid ?? box.uid } } : {}),
      ...extra,
    }),
    async close() {
      await box.close();
      await driver.close();
    },
  };
}

/** Events of one type, for assertions. */
export function ofType<T extends TaskEventBody["type"]>(
  events: TaskEventBody[],
  type: T,
): Extract<TaskEventBody, { type: T }>[] {
  return events.filter((e): e is Extract<TaskEventBody, { type: T }> => e.type === type);
}
