export { emailGatewayService } from "./service.ts";
