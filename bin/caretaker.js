#!/usr/bin/env node
import { register } from "tsx/esm/api";

register();
await import("../engine/cli/main.ts");
