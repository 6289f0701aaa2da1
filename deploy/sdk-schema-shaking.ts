import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";

const SCHEMA_FILE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const ([A-Za-z_$][\w$]*) = ("(?:[^"\\\n]|\\.)*");$/gm;

/**
 * Inlines the top-level string constants of an SDK client's generated schema file.
 *
 * The generated schemas are arrays like `[3, n0, _AC, 0, [_M], [[1, { [_eQN]: "Min" }]]]`.
 * esbuild keeps any declaration whose initializer has a computed key it cannot prove pure, so
 * without this the whole file (560 KB of EC2 schemas, minified) lands in the bundle although
 * a handful of operations are used. With the constants inlined, the keys are literals and the
 * unused schemas are dropped. Declarations stay, so any reference left alone still resolves;
 * property names (`._X`, `{ _X: … }`) and declarations are never rewritten.
 *
 * @example
 * await build({ ..., plugins: [sdkSchemaShaking()] });
 */
export function inlineSchemaConstants(source: string): string {
  const values = new Map<string, string>();
  for (const match of source.matchAll(STRING_CONST)) values.set(match[1]!, match[2]!);
  if (!values.size) return source;
  return source.replace(/(?<![\w$.]|const )([A-Za-z_$][\w$]*)(?![\w$])(?!\s*:(?!:))/g, (name: string) => values.get(name) ?? name);
}

export function sdkSchemaShaking(): Plugin {
  return {
    name: "caretaker-sdk-schema-shaking",
    setup(build) {
      build.onLoad({ filter: SCHEMA_FILE }, async (args) => ({ contents: inlineSchemaConstants(await readFile(args.path, "utf8")), loader: "js" }));
    },
  };
}
