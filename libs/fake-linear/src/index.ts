export { startFakeLinear } from "./server.ts";
export type { FakeLinear } from "./server.ts";
export { LinearData } from "./state.ts";
export type { FakeIssue, FakeUser, FakeTeam, FakeComment } from "./state.ts";
export { SDL as LINEAR_SDL } from "./schema.ts";
