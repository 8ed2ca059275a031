/** How to run a known agent CLI non-interactively. */
export interface CommandPreset {
  argv: string[];
  /** Appended when a model is known. */
  modelArgv?: string[];
  /** Appended when the task has a turn limit; absent when the CLI has no such option. */
  maxTurnsArgv?: string[];
}

const PRESETS: Record<"aider" | "gptme" | "opencode", CommandPreset> = {
  // Commits are nightshift's job, so aider must not make its own.
  aider: {
    argv: [
      "aider",
      "--yes-always",
      "--no-auto-commits",
      "--no-dirty-commits",
      "--no-check-update",
      "--no-show-release-notes",
      "--no-pretty",
      "--no-fancy-input",
      "--analytics-disable",
      "--message",
      "{prompt}",
    ],
    modelArgv: ["--model", "{model}"],
  },
  gptme: {
    argv: ["gptme", "--non-interactive", "{prompt}"],
    modelArgv: ["--model", "{model}"],
  },
  // Models are `provider/model`, e.g. anthropic/claude-sonnet-4-6.
  opencode: {
    argv: ["opencode", "run", "{prompt}"],
    modelArgv: ["--model", "{model}"],
  },
};

export type CommandPresetName = keyof typeof PRESETS;

export function commandPreset(name: CommandPresetName): CommandPreset {
  return PRESETS[name];
}
