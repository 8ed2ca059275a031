import { hostServices } from "@nightshift/host";
import { emailGatewayService } from "./service.ts";

process.exitCode = await hostServices([emailGatewayService()], {
  name: "email-gateway",
  env: process.env,
  configPath: process.env["NIGHTSHIFT_CONFIG"],
});
