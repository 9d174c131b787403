export * from "./codes";
export * from "./frames";
export * from "./room-name";
export * from "./schemas";
