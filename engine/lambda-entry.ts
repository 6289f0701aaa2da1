/**
 * The Lambda entry `caretaker build` bundles: the registry and the policies validated and
 * embedded at build time, so a cold start parses one JSON string instead of reading YAML.
 */
import { registry } from "../actions/index.ts";
import { createHandler } from "./handler.ts";
import type { LoadedPolicy, PolicyDoc } from "./policy/types.ts";

/** One policy as `caretaker build` embeds it. */
export interface EmbeddedPolicy {
  file: string;
  version: string;
  doc: PolicyDoc;
}

// Replaced by esbuild's `define` with the JSON text of EmbeddedPolicy[].
declare const CARETAKER_EMBEDDED_POLICIES: string;

// Positions only matter for validation messages, which ran at build time.
const nowhere = () => ({ line: 1, column: 1 });

const policies: LoadedPolicy[] = (JSON.parse(CARETAKER_EMBEDDED_POLICIES) as EmbeddedPolicy[]).map((p) => ({ ...p, locate: nowhere }));

export const handler = createHandler({ registry, policies });
