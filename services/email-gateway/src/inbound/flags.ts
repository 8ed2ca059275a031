/** Keyword on mail that became a task, a follow-up or an approval (with \Seen). */
export const FLAG_DONE = "$NightshiftDone";
/** Keyword on mail that was looked at and is not work (left unread for a human). */
export const FLAG_SKIPPED = "$NightshiftSkipped";

/** What happened to one message; decides how it is marked. */
export type Disposition = { kind: "done"; what: string } | { kind: "skipped"; reason: string };
