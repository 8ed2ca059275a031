import { z } from "zod";

/** Variables a prompt template may use; anything else in `{{…}}` is a config error. */
export const PROMPT_VARIABLES = [
  "prompt",
  "kind",
  "task_id",
  "repo",
  "branch",
  "card",
  "snapshot",
  "source",
  "instructions",
  "fix_list",
  "rounds",
  "result_contract",
  "review_request",
] as const;

const template = z.string().superRefine((text, ctx) => {
  for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const name = m[1] ?? "";
    if (!(PROMPT_VARIABLES as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: "custom",
        message: `unknown template variable {{${name}}} (known: ${PROMPT_VARIABLES.join(", ")})`,
      });
    }
  }
});

/**
 * Prompt templates by task kind (`adhoc`, `issue`, `pr-checks`, `schedule`, `email`, …),
 * replacing the built-in defaults; `review` is the review loop's reviewer prompt. `system` is appended to the agent's system prompt.
 */
export const PromptsConfig = z.strictObject({
  system: template.optional(),
  templates: z.record(z.string().regex(/^[a-z0-9-]+$/), template).default({}),
});
export type PromptsConfig = z.infer<typeof PromptsConfig>;
