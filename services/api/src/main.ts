import { hostServices } from "@nightshift/host";
import { apiService } from "./service.ts";

process.exitCode = await hostServices([apiService()], {
  name: "api",
  env: process.env,
  configPath: process.env["NIGHTSHIFT_CONFIG"],
});
