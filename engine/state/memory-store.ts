import { InProgressError } from "../errors.ts";
import type { ClaimResult, StateStore, StepCheckpoint } from "./store.ts";

interface Record {
  status: "in-progress" | "completed" | "failed";
  owner: string;
  leaseUntil: number;
  attempt: number;
  summary?: unknown;
  checkpoints: Map<number, StepCheckpoint>;
}

/** The state store of local runs: same rules as the DynamoDB one, kept in this process. */
export class MemoryStateStore implements StateStore {
  readonly kind = "memory" as const;
  private readonly records = new Map<string, Record>();
  private readonly decisions = new Map<string, unknown>();

  async remember<T>(key: string, step: number, value: T): Promise<T> {
    const id = `${key}#decision#${step}`;
    if (!this.decisions.has(id)) this.decisions.set(id, structuredClone(value));
    return structuredClone(this.decisions.get(id)) as T;
  }

  async claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const now = Date.now();
    const record = this.records.get(key);
    if (record?.status === "completed") return { status: "completed", summary: record.summary };
    if (record?.status === "in-progress" && record.leaseUntil > now) return { status: "in-progress", leaseUntil: record.leaseUntil };
    const next: Record = { status: "in-progress", owner, leaseUntil: now + leaseMs, attempt: (record?.attempt ?? 0) + 1, checkpoints: record?.checkpoints ?? new Map() };
    this.records.set(key, next);
    return { status: "claimed", checkpoints: new Map(next.checkpoints), attempt: next.attempt };
  }

  private owned(key: string, owner: string): Record {
    const record = this.records.get(key);
    if (!record || record.owner !== owner || record.status !== "in-progress") throw new InProgressError(`the claim on ${key} was lost to another invocation`);
    return record;
  }

  async checkpoint(key: string, owner: string, step: number, checkpoint: StepCheckpoint): Promise<void> {
    this.owned(key, owner).checkpoints.set(step, structuredClone(checkpoint));
  }

  async complete(key: string, owner: string, summary: unknown): Promise<void> {
    const record = this.owned(key, owner);
    record.status = "completed";
    record.summary = summary;
  }

  async release(key: string, owner: string): Promise<void> {
    this.owned(key, owner).status = "failed";
  }
}
