import { decisionCommand } from "./decision.ts";

export const reject = decisionCommand("reject", "reject a supervised task at its checkpoint");
