/** The faults the suite injects. */
export type FaultKind =
  | "executor-kill"
  | "executor-kill-two"
  | "executor-pause"
  | "nats-node-kill"
  | "nats-node-restart"
  | "leader-loss"
  | "cluster-restart"
  | "duplicates"
  | "malformed";

export const FAULT_KINDS: readonly FaultKind[] = [
  "executor-kill",
  "executor-kill-two",
  "executor-pause",
  "nats-node-kill",
  "nats-node-restart",
  "leader-loss",
  "cluster-restart",
  "duplicates",
  "malformed",
];

export interface FaultStep {
  /** Seconds after the first submission. */
  at: number;
  kind: FaultKind;
}

/** How big a run is and which faults it injects when. */
export interface Profile {
  name: string;
  /** Tasks the harness submits (the scheduler adds one every two seconds). */
  tasks: number;
  /** Tasks naming a backend that does not exist: they must be refused and dead-lettered. */
  refused: number;
  /** Submissions are spread over this many seconds; faults happen in the same window. */
  windowSec: number;
  /** Issues opened on the fake GitHub over the window; the poller makes each a task. */
  issues: number;
  /** Times during the window when a burst of tasks goes to one repository. */
  bursts: number;
  burstSize: number;
  repos: number;
  executors: number;
  slots: number;
  faults: FaultStep[];
  /** How long to wait after the window for every task to finish. */
  settleSec: number;
}

const step = (at: number, kind: FaultKind): FaultStep => ({ at, kind });

/** `npm run test:faults`: every fault kind, most of them more than once. */
export const FULL: Profile = {
  name: "full",
  tasks: 360,
  refused: 8,
  issues: 24,
  windowSec: 150,
  bursts: 4,
  burstSize: 12,
  repos: 8,
  executors: 4,
  slots: 3,
  faults: [
    step(6, "malformed"),
    step(10, "executor-kill"),
    step(18, "duplicates"),
    step(24, "nats-node-kill"),
    step(36, "executor-pause"),
    step(50, "leader-loss"),
    step(62, "executor-kill-two"),
    step(72, "duplicates"),
    step(80, "cluster-restart"),
    step(96, "executor-pause"),
    step(108, "nats-node-restart"),
    step(118, "executor-kill"),
    step(126, "malformed"),
    step(130, "duplicates"),
    step(136, "leader-loss"),
  ],
  settleSec: 240,
};

/** The CI variant: every fault kind once, in about a minute of submissions. */
export const QUICK: Profile = {
  name: "quick",
  tasks: 100,
  refused: 3,
  issues: 8,
  windowSec: 60,
  bursts: 1,
  burstSize: 10,
  repos: 4,
  executors: 3,
  slots: 3,
  faults: [
    step(4, "malformed"),
    step(6, "executor-kill"),
    step(11, "duplicates"),
    step(14, "nats-node-kill"),
    step(22, "executor-pause"),
    step(32, "leader-loss"),
    step(40, "executor-kill-two"),
    step(44, "cluster-restart"),
    step(54, "nats-node-restart"),
    step(57, "duplicates"),
  ],
  settleSec: 180,
};

export const PROFILES: Record<string, Profile> = { full: FULL, quick: QUICK };
