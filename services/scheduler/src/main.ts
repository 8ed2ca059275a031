import { hostServices } from "@nightshift/host";
import { schedulerService } from "./service.ts";

process.exitCode = await hostServices(
  [schedulerService({ env: process.env, cwd: process.cwd() })],
  {
    name: "scheduler",
    env: process.env,
    configPath: process.env["NIGHTSHIFT_CONFIG"],
  },
);
