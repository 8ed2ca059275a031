import type { Command } from "../command.ts";
import { approve } from "./approve.ts";
import { cancel } from "./cancel.ts";
import { config } from "./config.ts";
import { dlq } from "./dlq.ts";
import { init } from "./init.ts";
import { logs } from "./logs.ts";
import { reject } from "./reject.ts";
import { service } from "./service.ts";
import { status } from "./status.ts";
import { submit } from "./submit.ts";
import { up } from "./up.ts";

/** Every command, in the order `nightshift --help` lists them. */
export const COMMANDS: readonly Command[] = [
  up,
  service,
  submit,
  status,
  logs,
  cancel,
  approve,
  reject,
  dlq,
  config,
  init,
];
