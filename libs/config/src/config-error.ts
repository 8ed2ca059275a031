import { NightshiftError } from "@nightshift/errors";

export interface ConfigIssue {
  /** Dotted path of the offending key (`executor.slots`), or `env.NAME`. */
  path: string;
  message: string;
}

/** Every problem found in the configuration, reported at once. */
export class ConfigError extends NightshiftError {
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;
  constructor(issues: readonly ConfigIssue[], file?: string) {
    const where = file === undefined ? "configuration" : file;
    const lines = issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`);
    super(
      "CONFIG_INVALID",
      `invalid ${where} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    );
    this.name = "ConfigError";
    this.issues = issues;
    this.file = file;
  }
}
