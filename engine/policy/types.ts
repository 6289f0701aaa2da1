/** A policy document as written (after schema validation). */
export interface PolicyDoc {
  apiVersion: "caretaker/v1";
  name: string;
  description?: string;
  mode?: "live" | "dry-run";
  enabled?: boolean;
  trigger: { event?: Record<string, unknown>; bus?: string; schedule?: string };
  filter?: string;
  env?: string[];
  vars?: Record<string, string>;
  limits?: { "max-resources"?: number };
  actions: StepDoc[];
  tests?: PolicyTestDoc[];
}

export interface StepDoc {
  type: string;
  id?: string;
  if?: string;
  "on-error"?: "stop" | "continue";
  with?: Record<string, unknown>;
}

export interface PolicyTestDoc {
  name: string;
  event?: Record<string, unknown>;
  at?: string;
  env?: Record<string, string>;
  expect: { triggered: boolean; vars?: Record<string, unknown> };
}

/** A path into the policy document, as keys and indexes. */
export type DocPath = (string | number)[];

/** Where a value of the document stands in its file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A policy file that loaded without problems. */
export interface LoadedPolicy {
  file: string;
  doc: PolicyDoc;
  version: string;
  /** The position of the value at `path` (or of the nearest existing parent). */
  locate(path: DocPath): SourcePosition;
}
