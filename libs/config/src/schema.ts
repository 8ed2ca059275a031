import { z } from "zod";
import { BackendsConfig } from "./sections/backends.ts";
import { EmailConfig } from "./sections/email.ts";
import { ExecutorConfig } from "./sections/executor.ts";
import { HttpConfig } from "./sections/http.ts";
import { LogConfig } from "./sections/log.ts";
import { NatsConfig } from "./sections/nats.ts";

/** The whole of `nightshift.yml`. Unknown keys are errors: a setting either works or does not exist. */
export const NightshiftConfig = z
  .strictObject({
    nats: NatsConfig.default(NatsConfig.parse({})),
    http: HttpConfig.default(HttpConfig.parse({})),
    log: LogConfig.default(LogConfig.parse({})),
    executor: ExecutorConfig.default(ExecutorConfig.parse({})),
    backends: BackendsConfig.default({}),
    /** The email gateway; absent, the gateway does nothing. */
    email: EmailConfig.optional(),
  })
  .superRefine((c, ctx) => {
    const def = c.executor.defaultBackend;
    if (def !== undefined && !(def in c.backends)) {
      ctx.addIssue({
        code: "custom",
        path: ["executor", "defaultBackend"],
        message: `names backend "${def}", which is not defined under backends (defined: ${Object.keys(c.backends).join(", ") || "none"})`,
      });
    }
  });
export type NightshiftConfig = z.infer<typeof NightshiftConfig>;
