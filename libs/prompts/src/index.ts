export { buildPrompt } from "./build-prompt.ts";
export type { PromptInput, BuiltPrompt } from "./build-prompt.ts";
export { render } from "./render.ts";
export { cardSection, snapshotSection, instructionsSection, fixListSection } from "./sections.ts";
export type { RepoInstruction, FixItem } from "./sections.ts";
export { DEFAULT_SYSTEM, DEFAULT_TEMPLATES, RESULT_CONTRACT } from "./defaults.ts";
