// Types of roomcast-client.js beside it (the SDK bundle, build output) for
// type-checking the demo's JSDoc (tsconfig.public.json): the bundle is built
// from src/client/index.ts, so its types are that module's. Not served (the
// worker packs only the file types it serves; scripts/build-public-files.mjs).
export * from "../../src/client/index";
