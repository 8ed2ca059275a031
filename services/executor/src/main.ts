import { hostServices } from "@nightshift/host";
import { executorService } from "./service.ts";

process.exitCode = await hostServices([executorService({ env: process.env })], {
  name: "executor",
  env: process.env,
  configPath: process.env["NIGHTSHIFT_CONFIG"],
});
