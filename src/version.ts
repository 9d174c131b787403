import pkg from "../package.json" with { type: "json" };

/** The deployed Roomcast version, reported by `GET /health`. */
export const VERSION: string = pkg.version;
