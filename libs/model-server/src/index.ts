export { startModelServer } from "./server.ts";
export type { ModelServer, ModelServerOptions, ReceivedRequest, Api } from "./server.ts";
export { reply } from "./script.ts";
export type { Reply, MessageReply, ErrorReply, ScriptedToolCall, ScriptedUsage } from "./script.ts";
export { PromptCache, estimateTokens } from "./prompt-cache.ts";
