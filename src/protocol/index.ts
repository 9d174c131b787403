export * from "./codes";
export * from "./frames";
export * from "./requests";
export * from "./room-name";
export * from "./schemas";
