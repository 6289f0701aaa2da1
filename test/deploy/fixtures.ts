import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createRegistry, type ActionRegistry } from "../../engine/action-contract.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";
import deleteOldSnapshots from "../../actions/delete-old-snapshots.ts";
import snapshotVolumes from "../../actions/snapshot-volumes.ts";

/** The actions these tests' policies use, registered the way actions/index.ts does. */
export const testRegistry: ActionRegistry = createRegistry([deleteOldSnapshots, snapshotVolumes]);

export function eventPolicy(name: string, pattern: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "caretaker/v1",
    name,
    description: `Test policy ${name}.`,
    trigger: { event: pattern },
    actions: [{ type: "snapshot-volumes", with: { instance: "{% detail.\"instance-id\" %}" } }],
    ...extra,
  };
}

export function schedulePolicy(name: string, schedule: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "caretaker/v1",
    name,
    trigger: { schedule },
    actions: [{ type: "delete-old-snapshots", with: { "older-than": "30d" } }],
    ...extra,
  };
}

/** A temporary policies folder; `write` replaces its contents. */
export class PolicyFolder {
  readonly dir = mkdtempSync(join(tmpdir(), "caretaker-deploy-"));
  write(docs: Record<string, unknown>[]): this {
    for (const file of readdirSync(this.dir)) rmSync(join(this.dir, file));
    for (const doc of docs) writeFileSync(join(this.dir, `${doc.name as string}.yml`), stringify(doc));
    return this;
  }
  load(registry: ActionRegistry = testRegistry): LoadedPolicy[] {
    return loadPoliciesOrThrow([this.dir], registry);
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
