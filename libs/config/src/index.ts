export { loadConfig, parseConfig, ENV_OVERRIDES } from "./load.ts";
export type { LoadedConfig, LoadConfigOptions } from "./load.ts";
export { ConfigError } from "./config-error.ts";
export type { ConfigIssue } from "./config-error.ts";
export { NightshiftConfig } from "./schema.ts";
export { Secrets, secretValues } from "./secrets.ts";
export { duration, parseDuration } from "./duration.ts";
export { size, parseSize } from "./size.ts";
export { NatsConfig } from "./sections/nats.ts";
export { HttpConfig } from "./sections/http.ts";
export { LogConfig } from "./sections/log.ts";
export { ExecutorConfig } from "./sections/executor.ts";
export { WorkspaceConfig } from "./sections/workspace.ts";
export {
  BackendConfig,
  BackendsConfig,
  CommandBackendConfig,
  ClaudeCodeBackendConfig,
  CodexBackendConfig,
  AnthropicBackendConfig,
  ANTHROPIC_TOOLS,
} from "./sections/backends.ts";
export { SandboxConfig } from "./sections/sandbox.ts";
export { PricesConfig, ModelPrice } from "./sections/prices.ts";
export { bytes, parseBytes } from "./bytes.ts";
export { GitHubConfig } from "./sections/github.ts";
export {
  PollerConfig,
  GitHubRepoSource,
  LinearQueue,
  FileSource,
  TriageRule,
  TriggerKind,
  DEFAULT_TRIAGE,
} from "./sections/poller.ts";
export {
  SchedulesConfig,
  ScheduleConfig,
  ScheduleTaskTemplate,
  ScheduleGate,
  CommandGate,
  GithubIssuesGate,
} from "./sections/schedules.ts";
export {
  NotifierConfig,
  ChannelConfig,
  NotificationRule,
  NotificationEventName,
} from "./sections/notifier.ts";
export { ApiConfig } from "./sections/api.ts";
export { EXAMPLE_CONFIG } from "./example.ts";
export { PromptsConfig, PROMPT_VARIABLES } from "./sections/prompts.ts";
export { BudgetsConfig } from "./sections/budgets.ts";
export { SupervisionConfig } from "./sections/supervision.ts";
export { LoopConfig } from "./sections/loop.ts";
export { RepositoriesConfig, RepositoryConfig, LandingConfig } from "./sections/repositories.ts";
export { EmailConfig, MailSecurity, DEFAULT_NOTIFICATION_PATTERNS } from "./sections/email.ts";
