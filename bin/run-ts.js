#!/usr/bin/env node
// Runs a TypeScript entry file through tsx so the repo needs no compile step before use.
import { register } from "tsx/esm/api";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

// The SDK's Node 20 notice concerns future releases; the Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: run-ts.js FILE [ARGS...]\n");
  process.exit(2);
}
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
