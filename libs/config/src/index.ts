export { loadConfig, parseConfig } from "./load.ts";
export type { LoadedConfig, LoadConfigOptions } from "./load.ts";
export { ConfigError } from "./config-error.ts";
export type { ConfigIssue } from "./config-error.ts";
export { NightshiftConfig } from "./schema.ts";
export { Secrets, secretValues } from "./secrets.ts";
export { duration, parseDuration } from "./duration.ts";
export { byteSize, parseBytes } from "./bytes.ts";
export { NatsConfig } from "./sections/nats.ts";
export { HttpConfig } from "./sections/http.ts";
export { LogConfig } from "./sections/log.ts";
export { ExecutorConfig } from "./sections/executor.ts";
export { BackendConfig, BackendsConfig, CommandBackendConfig } from "./sections/backends.ts";
export { EXAMPLE_CONFIG } from "./example.ts";
export {
  EmailConfig,
  MailSecurity,
  DEFAULT_NOTIFICATION_PATTERNS,
} from "./sections/email.ts";
