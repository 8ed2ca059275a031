import { EMPTY_USAGE } from "@nightshift/contracts";
import type { CommandBackendConfig } from "@nightshift/config";
import { terminate } from "@nightshift/sandbox";
import { drainAfterExit, forEachLine } from "./lines.ts";
import type { AgentBackend, AgentRunInput, AgentRunResult } from "./types.ts";

/** Replaces `{prompt}`, `{taskId}`, `{workspace}`, `{model}` in one argv element. */
export function expandArg(arg: string, vars: Record<string, string>): string {
  return arg.replace(/\{(prompt|taskId|workspace|model)\}/g, (_m, k: string) => vars[k] ?? "");
}

/**
 * Any agent CLI by argv template. Each output line becomes an `output` event; the exit
 * code is the result. The prompt goes in an argument or on stdin.
 */
export function commandBackend(name: string, cfg: CommandBackendConfig): AgentBackend {
  return {
    name,
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const vars = {
        prompt: cfg.prompt === "arg" ? input.prompt : "",
        taskId: input.taskId,
        workspace: input.workspace,
        model: input.model ?? "",
      };
      const proc = input.sandbox.spawn({
        argv: cfg.argv.map((a) => expandArg(a, vars)),
        cwd: input.workspace,
        env: { ...input.env, ...cfg.env },
        stdin: cfg.prompt === "stdin",
      });
      void proc.started.then(({ pid, at }) => {
        if (pid > 0) input.onSpawn?.(pid, at);
      });
      if (proc.stdin) {
        proc.stdin.on("error", () => undefined);
        proc.stdin.end(input.prompt);
      }
      let aborted: string | undefined;
      const onAbort = (): void => {
        aborted = String(input.signal.reason ?? "aborted");
        void terminate(proc, input.killGraceMs);
      };
      if (input.signal.aborted) onAbort();
      else input.signal.addEventListener("abort", onAbort, { once: true });
      const out = forEachLine(proc.stdout, (line) =>
        input.emit({ type: "output", stream: "stdout", line }),
      );
      const err = forEachLine(proc.stderr, (line) =>
        input.emit({ type: "output", stream: "stderr", line }),
      );
      const exit = await proc.exited;
      input.signal.removeEventListener("abort", onAbort);
      await drainAfterExit([proc.stdout, proc.stderr], [out, err]);
      return {
        exitCode: exit.code,
        signal: exit.signal,
        usage: { ...EMPTY_USAGE },
        ...(aborted !== undefined ? { aborted } : {}),
      };
    },
  };
}
