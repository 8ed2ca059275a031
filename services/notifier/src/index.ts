export { notifierService } from "./service.ts";
export type { Notification, NotificationChannel } from "./channel.ts";
