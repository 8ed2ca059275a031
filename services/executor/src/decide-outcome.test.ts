import { describe, expect, it } from "vitest";
import { decideOutcome, parseResultFile, type OutcomeFacts } from "./decide-outcome.ts";

const done = parseResultFile(
  JSON.stringify({
    status: "done",
    summary: "fixed it",
    testsRun: [{ command: "npm test", passed: true }],
  }),
);
const base: OutcomeFacts = {
  exitCode: 0,
  signal: null,
  resultFile: done,
  resultRequired: true,
  git: { noop: false },
};

describe("decideOutcome", () => {
  it("succeeds only when exit code, result file and git state agree", () => {
    expect(decideOutcome(base)).toEqual({
      state: "succeeded",
      outcome: "succeeded",
      summary: "fixed it",
    });
  });

  it("treats a claimed success without changes as a NOOP", () => {
    expect(decideOutcome({ ...base, git: { noop: true } })).toMatchObject({
      state: "failed",
      reason: "noop",
    });
  });

  it("reports invalid or missing result files as invalid results, not success", () => {
    const notJson = decideOutcome({ ...base, resultFile: parseResultFile("{oops") });
    expect(notJson).toMatchObject({ state: "failed", reason: "invalid-result" });
    expect(notJson.detail).toMatch(/not JSON/);
    const badSchema = decideOutcome({
      ...base,
      resultFile: parseResultFile(JSON.stringify({ status: "finished" })),
    });
    expect(badSchema.reason).toBe("invalid-result");
    expect(badSchema.detail).toMatch(/status: .*summary: /);
    expect(decideOutcome({ ...base, resultFile: { kind: "missing" } })).toMatchObject({
      reason: "invalid-result",
    });
    expect(
      decideOutcome({ ...base, resultFile: { kind: "missing" }, resultRequired: false }),
    ).toMatchObject({ state: "succeeded" });
  });

  it("lets the exit code, the backend's verdict and stops win over a claim of done", () => {
    expect(decideOutcome({ ...base, exitCode: 2 })).toMatchObject({
      reason: "exit-code",
      detail: "agent exited with code 2",
    });
    expect(decideOutcome({ ...base, backendError: "error_max_turns" })).toMatchObject({
      reason: "agent-error",
    });
    expect(
      decideOutcome({ ...base, stopped: "timeout", exitCode: null, signal: "SIGTERM" }),
    ).toMatchObject({ reason: "timeout" });
    expect(decideOutcome({ ...base, stopped: "cancelled" })).toMatchObject({ state: "cancelled" });
    expect(decideOutcome({ ...base, stopped: "budget" })).toMatchObject({ reason: "budget" });
  });

  it("maps blocked and needs_input, failing tests and regressions", () => {
    const blocked = parseResultFile(
      JSON.stringify({
        status: "blocked",
        summary: "no access",
        blockers: ["no credentials for the staging db"],
      }),
    );
    expect(decideOutcome({ ...base, resultFile: blocked })).toMatchObject({
      state: "blocked",
      detail: "no credentials for the staging db",
    });
    const input = parseResultFile(
      JSON.stringify({ status: "needs_input", summary: "which API version?" }),
    );
    expect(decideOutcome({ ...base, resultFile: input })).toMatchObject({
      state: "blocked",
      reason: "needs-input",
    });
    const red = parseResultFile(
      JSON.stringify({
        status: "done",
        summary: "x",
        testsRun: [{ command: "npm test", passed: false }],
      }),
    );
    expect(decideOutcome({ ...base, resultFile: red })).toMatchObject({ reason: "tests-failed" });
    const regression = decideOutcome({
      ...base,
      check: { passed: false, output: "1 test failed" },
    });
    expect(regression.reason).toBe("regression");
    expect(regression.detail).toMatch(/1 test failed/);
  });
});
