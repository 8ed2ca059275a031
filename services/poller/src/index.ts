export { pollerService } from "./service.ts";
