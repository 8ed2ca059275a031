import { decisionCommand } from "./decision.ts";

export const approve = decisionCommand("approve", "approve a supervised task at its checkpoint");
