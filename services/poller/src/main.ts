import { hostServices } from "@nightshift/host";
import { pollerService } from "./service.ts";

process.exitCode = await hostServices([pollerService()], {
  name: "poller",
  env: process.env,
  configPath: process.env["NIGHTSHIFT_CONFIG"],
});
