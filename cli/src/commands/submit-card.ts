import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CardBlock, TaskCard, TaskLoop } from "@nightshift/contracts";
import { UsageError } from "@nightshift/errors";
import type { OptionSpec, ParsedArgs } from "../command.ts";

/** `submit`'s options for a task card and a review loop. */
export const CARD_OPTIONS: OptionSpec = {
  card: { type: "string" },
  goal: { type: "string" },
  accept: { type: "string", multiple: true },
  "in-scope": { type: "string", multiple: true },
  "out-of-scope": { type: "string", multiple: true },
  constraint: { type: "string", multiple: true },
  "test-step": { type: "string", multiple: true },
  loop: { type: "boolean" },
  rounds: { type: "string" },
  worker: { type: "string" },
  "worker-model": { type: "string" },
  reviewer: { type: "string" },
  "reviewer-model": { type: "string" },
};

export const CARD_USAGE =
  "[--card task.json] [--goal G] [--accept A]… [--in-scope P]… [--out-of-scope P]… [--constraint C]… [--test-step S]… [--loop] [--rounds N] [--worker B] [--worker-model M] [--reviewer B] [--reviewer-model M]";

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function issues(e: { issues: { path: PropertyKey[]; message: string }[] }, what: string): string {
  return e.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
}

/** The card file: a task card, with `loop` to make the task a review loop. */
function readCard(path: string, cwd: string): CardBlock {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(cwd, path), "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read task card ${path}: ${(err as Error).message}`);
  }
  const parsed = CardBlock.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(`invalid task card ${path}: ${issues(parsed.error, "(card)")}`);
  return parsed.data;
}

/**
 * The task card and review loop `submit` asks for: the card file's, with the flags added
 * (lists) or put in its place (the goal). Any loop flag makes the task a review loop.
 */
export function cardAndLoop(
  values: ParsedArgs["values"],
  cwd: string,
): { card?: TaskCard; loop?: TaskLoop } {
  const path = str(values["card"]);
  const file = path !== undefined ? readCard(path, cwd) : undefined;
  const goal = str(values["goal"]) ?? file?.goal;
  const lists = {
    inScope: strings(values["in-scope"]),
    outOfScope: strings(values["out-of-scope"]),
    acceptance: strings(values["accept"]),
    constraints: strings(values["constraint"]),
    testSteps: strings(values["test-step"]),
  };
  const anyList = Object.values(lists).some((l) => l.length > 0);
  let card: TaskCard | undefined;
  if (goal !== undefined || anyList) {
    if (goal === undefined)
      throw new UsageError("a task card needs a goal: give --goal (or a --card file with one)");
    const parsed = TaskCard.safeParse({
      goal,
      inScope: [...(file?.inScope ?? []), ...lists.inScope],
      outOfScope: [...(file?.outOfScope ?? []), ...lists.outOfScope],
      acceptance: [...(file?.acceptance ?? []), ...lists.acceptance],
      constraints: [...(file?.constraints ?? []), ...lists.constraints],
      testSteps: [...(file?.testSteps ?? []), ...lists.testSteps],
    });
    if (!parsed.success) throw new UsageError(`invalid task card: ${issues(parsed.error, "card")}`);
    card = parsed.data;
  }

  const rounds = str(values["rounds"]);
  const role = (backend: string, model: string) => {
    const b = str(values[backend]);
    const m = str(values[model]);
    return b === undefined && m === undefined
      ? undefined
      : { ...(b !== undefined ? { backend: b } : {}), ...(m !== undefined ? { model: m } : {}) };
  };
  const worker = role("worker", "worker-model");
  const reviewer = role("reviewer", "reviewer-model");
  const wanted =
    values["loop"] === true ||
    rounds !== undefined ||
    worker !== undefined ||
    reviewer !== undefined ||
    file?.loop !== undefined;
  let loop: TaskLoop | undefined;
  if (wanted) {
    if (rounds !== undefined && !/^\d+$/.test(rounds))
      throw new UsageError(`--rounds must be a whole number, got "${rounds}"`);
    const parsed = TaskLoop.safeParse({
      ...file?.loop,
      ...(rounds !== undefined ? { maxRounds: Number(rounds) } : {}),
      ...((worker ?? file?.loop?.worker) ? { worker: { ...file?.loop?.worker, ...worker } } : {}),
      ...((reviewer ?? file?.loop?.reviewer)
        ? { reviewer: { ...file?.loop?.reviewer, ...reviewer } }
        : {}),
    });
    if (!parsed.success) throw new UsageError(`invalid loop: ${issues(parsed.error, "loop")}`);
    loop = parsed.data;
  }
  return { ...(card ? { card } : {}), ...(loop ? { loop } : {}) };
}
