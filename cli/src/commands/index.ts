import type { Command } from "../command.ts";
import { approve, reject } from "./approve.ts";
import { cancel } from "./cancel.ts";
import { config } from "./config.ts";
import { dlq } from "./dlq.ts";
import { init } from "./init.ts";
import { logs } from "./logs.ts";
import { pause } from "./pause.ts";
import { provision } from "./provision.ts";
import { resume } from "./resume.ts";
import { service } from "./service.ts";
import { status } from "./status.ts";
import { submit } from "./submit.ts";
import { trigger } from "./trigger.ts";
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
  trigger,
  pause,
  resume,
  config,
  init,
  provision,
];
