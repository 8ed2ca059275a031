import { hostServices } from "@nightshift/host";
import { notifierService } from "./service.ts";

process.exitCode = await hostServices([notifierService({ env: process.env })], {
  name: "notifier",
  env: process.env,
  configPath: process.env["NIGHTSHIFT_CONFIG"],
});
