#!/usr/bin/env node
import { register } from "tsx/esm/api";

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
register();
const { main, processIO } = await import("../engine/cli/main.ts");
process.exitCode = await main(process.argv.slice(2), processIO());
