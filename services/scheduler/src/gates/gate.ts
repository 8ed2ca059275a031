/** The verdict of a gate: let the fire through, or skip it (`error` when the gate itself failed). */
export type GateResult =
  { pass: true; detail: string } | { pass: false; error: boolean; detail: string };

export interface GateContext {
  /** Environment for command gates (the scheduler's own). */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory for command gates that set none. */
  cwd: string;
  githubApiUrl: string;
  githubToken: string | undefined;
  schedule: string;
  slot: Date;
}
