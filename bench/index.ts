/**
 * `npm run bench`: every benchmark in one run; each prints its figures, its baseline measured
 * in the same run, the ratio and PASS/FAIL against its target.
 */
const suites = ["match", "engine", "cold-start", "delete-old-snapshots", "archive-table"] as const;

const only = process.argv.slice(2);
let failed = 0;
for (const name of suites) {
  if (only.length && !only.includes(name)) continue;
  process.stdout.write(`\n== bench/${name} ==\n`);
  try {
    const module = (await import(`./${name}.ts`)) as { default: () => Promise<boolean | void> };
    const passed = await module.default();
    if (passed === false) failed++;
  } catch (error) {
    failed++;
    process.stdout.write(`bench/${name} failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}
process.stdout.write(`\n${failed ? `${failed} benchmark suite(s) missed a target or failed` : "all benchmark targets met"}\n`);
process.exitCode = failed ? 1 : 0;
