import { createRegistry } from "../engine/action-contract.ts";
import archiveTable from "./archive-table.ts";
import deleteOldSnapshots from "./delete-old-snapshots.ts";
import notify from "./notify.ts";
import scaleAsg from "./scale-asg.ts";
import snapshotVolumes from "./snapshot-volumes.ts";

/** Registry v1: every action type the engine can run, handed to the engine by its entry points. */
export const registry = createRegistry([snapshotVolumes, deleteOldSnapshots, archiveTable, scaleAsg, notify]);
