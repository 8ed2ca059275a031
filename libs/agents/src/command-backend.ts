import { EMPTY_USAGE } from "@nightshift/contracts";
import type { CommandBackendConfig } from "@nightshift/config";
import { commandPreset } from "./command-presets.ts";
import { runCli } from "./run-cli.ts";
import type { AgentBackend, AgentRunInput, AgentRunResult } from "./types.ts";

/** Replaces `{prompt}`, `{taskId}`, `{workspace}`, `{model}`, `{maxTurns}` in one argv element. */
export function expandArg(arg: string, vars: Record<string, string>): string {
  return arg.replace(
    /\{(prompt|taskId|workspace|model|maxTurns)\}/g,
    (_m, k: string) => vars[k] ?? "",
  );
}

/** The argv a command backend runs for `input`: template, then model and turn arguments. */
export function commandArgv(cfg: CommandBackendConfig, input: AgentRunInput): string[] {
  const preset = cfg.preset ? commandPreset(cfg.preset) : undefined;
  const argv = cfg.argv ?? preset?.argv ?? [];
  const modelArgv = cfg.modelArgv ?? preset?.modelArgv ?? [];
  const model = input.model ?? cfg.model;
  const maxTurnsArgv = cfg.maxTurnsArgv ?? preset?.maxTurnsArgv ?? [];
  const vars = {
    prompt: cfg.prompt === "arg" ? input.prompt : "",
    taskId: input.taskId,
    workspace: input.workspace,
    model: model ?? "",
    maxTurns: input.maxTurns !== undefined ? String(input.maxTurns) : "",
  };
  const full = [
    ...argv,
    ...(model !== undefined ? modelArgv : []),
    ...(input.maxTurns !== undefined ? maxTurnsArgv : []),
  ];
  return full.map((a) => expandArg(a, vars));
}

/**
 * Any agent CLI by argv template. Each output line becomes an `output` event; the exit
 * code is the result. The prompt goes in an argument or on stdin.
 */
export function commandBackend(name: string, cfg: CommandBackendConfig): AgentBackend {
  const preset = cfg.preset ? commandPreset(cfg.preset) : undefined;
  const canLimitTurns = (cfg.maxTurnsArgv ?? preset?.maxTurnsArgv) !== undefined;
  return {
    name,
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      if (input.maxTurns !== undefined && !canLimitTurns)
        input.emit({
          type: "log",
          level: "warn",
          message: `backend ${name} cannot limit turns (no maxTurnsArgv): the limit of ${input.maxTurns} is not enforced; the time limit still is`,
        });
      const run = runCli(input, {
        argv: commandArgv(cfg, input),
        env: { ...input.env, ...cfg.env },
        ...(cfg.prompt === "stdin" ? { stdin: input.prompt } : {}),
        onStdout: (line) => input.emit({ type: "output", stream: "stdout", line }),
      });
      const exit = await run.done;
      return {
        exitCode: exit.code,
        signal: exit.signal,
        usage: { ...EMPTY_USAGE },
        ...(exit.aborted !== undefined ? { aborted: exit.aborted } : {}),
      };
    },
  };
}
