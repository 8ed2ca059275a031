export {
  NightshiftError,
  RetryableError,
  PermanentError,
  UsageError,
  isNightshiftError,
  coerceError,
} from "./errors.ts";
export type { ErrorCode, NightshiftErrorOptions } from "./errors.ts";
