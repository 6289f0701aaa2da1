import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import yazl from "yazl";
import { DeployError } from "../engine/errors.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import type { EmbeddedPolicy } from "../engine/lambda-entry.ts";
import { sdkSchemaShaking } from "./sdk-schema-shaking.ts";

export const LAMBDA_ENTRY = fileURLToPath(new URL("../engine/lambda-entry.ts", import.meta.url));
export const BUNDLE_FILE = "index.mjs";
export const ZIP_FILE = "caretaker-lambda.zip";
const CHUNK_DIR = "chunks";
/** What the issue allows the minified bundle to weigh. */
export const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

export interface BundleOptions {
  policies: LoadedPolicy[];
  /** Folder for index.mjs, its chunks, source maps and the zip; created when missing. */
  outDir: string;
  /** Skip the zip (the cold-start benchmark imports index.mjs directly). */
  zip?: boolean;
}

export interface BundleResult {
  /** The entry, index.mjs. */
  bundlePath: string;
  /** Every file of the bundle (entry, chunks, source maps), relative to the output folder. */
  files: string[];
  zipPath?: string;
  /** Size of index.mjs alone: what a cold start compiles. */
  entryBytes: number;
  /** Size of all the minified code (entry and chunks), source maps excluded. */
  bundleBytes: number;
  zipBytes?: number;
  /** First 12 hex digits of the zip's SHA-256: a stable S3 key suffix per build. */
  zipHash?: string;
  /** Bytes of bundled output per npm package (or `caretaker`), largest first. */
  packages: Array<{ name: string; bytes: number }>;
}

/** The policies as the entry embeds them: what validation produced, without source positions. */
export function embedPolicies(policies: LoadedPolicy[]): EmbeddedPolicy[] {
  return policies.map(({ file, version, doc }) => ({ file, version, doc }));
}

function packageOf(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  if (at === -1) return "caretaker";
  const rest = path.slice(at + "node_modules/".length).split("/");
  return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

function sizesByPackage(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...sizes].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

// A fixed timestamp makes the zip, and so its hash, depend on the content only.
const ZIP_TIME = new Date("2020-01-01T00:00:00Z");

async function writeZip(zipPath: string, files: Array<{ path: string; name: string }>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(readFileSync(file.path), file.name, { mtime: ZIP_TIME, mode: 0o100644 });
  zip.end();
  await new Promise<void>((done, fail) => {
    const out = createWriteStream(zipPath);
    zip.outputStream.pipe(out).on("close", done).on("error", fail);
  });
}

/**
 * Bundles the Lambda entry with esbuild (ESM for nodejs22.x, minified, tree-shaken, source
 * map) with the policies embedded, then zips it for upload. The AWS SDK clients are bundled:
 * the runtime's built-in SDK version is not pinned.
 *
 * @example
 * const result = await buildBundle({ policies, outDir: "dist" });
 * result.zipPath; // "dist/caretaker-lambda.zip"
 */
export async function buildBundle(options: BundleOptions): Promise<BundleResult> {
  const outDir = resolve(options.outDir);
  rmSync(join(outDir, CHUNK_DIR), { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const bundlePath = join(outDir, BUNDLE_FILE);
  let metafile: Metafile;
  try {
    const result = await build({
      entryPoints: { index: LAMBDA_ENTRY },
      outdir: outDir,
      outExtension: { ".js": ".mjs" },
      // Code the SDK loads on demand (credential providers other than the environment's, on
      // Lambda) goes to chunks that a cold start never compiles.
      splitting: true,
      chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      minify: true,
      treeShaking: true,
      sourcemap: "linked",
      sourcesContent: false,
      legalComments: "none",
      // Prefer packages' ES module builds: esbuild can drop what is unused only from those.
      mainFields: ["module", "main"],
      // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      define: { CARETAKER_EMBEDDED_POLICIES: JSON.stringify(JSON.stringify(embedPolicies(options.policies))) },
      plugins: [sdkSchemaShaking()],
      metafile: true,
      logLevel: "silent",
    });
    metafile = result.metafile;
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors ?? [];
    const detail = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join("\n");
    throw new DeployError(`the bundle could not be built${detail ? `:\n${detail}` : `: ${(error as Error).message}`}`, { cause: error });
  }
  const outputs = Object.keys(metafile.outputs).map((path) => resolve(path));
  const code = outputs.filter((path) => path.endsWith(".mjs"));
  const result: BundleResult = {
    bundlePath,
    files: outputs.map((path) => relative(outDir, path)).sort(),
    entryBytes: statSync(bundlePath).size,
    bundleBytes: code.reduce((sum, path) => sum + statSync(path).size, 0),
    packages: sizesByPackage(metafile),
  };
  if (options.zip === false) return result;
  const zipPath = join(outDir, ZIP_FILE);
  await writeZip(zipPath, result.files.map((name) => ({ path: join(outDir, name), name })));
  const zipHash = createHash("sha256").update(readFileSync(zipPath)).digest("hex").slice(0, 12);
  return { ...result, zipPath, zipBytes: statSync(zipPath).size, zipHash };
}
