import type { PromptsConfig } from "@nightshift/config";
import type { Task } from "@nightshift/contracts";
import { DEFAULT_SYSTEM, DEFAULT_TEMPLATES, RESULT_CONTRACT } from "./defaults.ts";
import { render } from "./render.ts";
import {
  cardSection,
  fixListSection,
  instructionsSection,
  snapshotSection,
  type FixItem,
  type RepoInstruction,
} from "./sections.ts";

export interface PromptInput {
  task: Task;
  branch?: string | undefined;
  instructions?: readonly RepoInstruction[];
  /** Fix list carried from the previous review round. */
  fixList?: { round: number; items: readonly FixItem[] };
  /** Summary of earlier rounds, for the worker's context. */
  rounds?: string;
  /** Whether to ask for the results file (backends that cannot write files say no). */
  resultContract?: boolean;
  /** Use this template instead of the task kind's (`review` for a review loop's reviewer). */
  template?: string;
  /** The review request as text, for the reviewer's `{{review_request}}`. */
  reviewRequest?: string;
}

export interface BuiltPrompt {
  /** The user prompt. */
  prompt: string;
  /** Text appended to the backend's system prompt. */
  system: string;
  /** The template used: the task's kind, or `default`. */
  template: string;
}

/** Builds the agent's prompt from the task, the configured or built-in template and context. */
export function buildPrompt(input: PromptInput, config: PromptsConfig): BuiltPrompt {
  const { task } = input;
  const kind = input.template ?? task.kind;
  const custom = config.templates[kind] ?? config.templates["default"];
  const builtin = DEFAULT_TEMPLATES[kind] ?? DEFAULT_TEMPLATES["default"];
  const template = custom ?? builtin ?? "{{prompt}}";
  const values: Record<string, string> = {
    prompt: task.prompt,
    kind: task.kind,
    task_id: task.id,
    repo: task.repo?.url ?? "(no repository)",
    branch: input.branch ?? task.repo?.branch ?? `nightshift/${task.id}`,
    card: cardSection(task.card),
    snapshot: snapshotSection(task.source.snapshot, task.source.kind),
    source: `${task.source.kind}${task.source.ref ? ` ${task.source.ref}` : ""}${task.source.url ? ` (${task.source.url})` : ""}`,
    instructions: instructionsSection(input.instructions ?? []),
    fix_list: input.fixList ? fixListSection(input.fixList.round, input.fixList.items) : "",
    rounds: input.rounds ?? "",
    result_contract: input.resultContract === false ? "" : RESULT_CONTRACT,
    review_request: input.reviewRequest ?? "",
  };
  const system = render(config.system ?? DEFAULT_SYSTEM, values);
  return {
    prompt: render(template, values),
    system,
    template:
      config.templates[kind] !== undefined || DEFAULT_TEMPLATES[kind] !== undefined
        ? kind
        : "default",
  };
}
