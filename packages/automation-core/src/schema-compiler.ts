import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { writeFileAtomic } from './atomic-file.js';
import { sha256Hex } from './checksum.js';
import { commonJsExports } from './commonjs-import.js';
import { dateTimeFormat } from './date-time-format.js';
import { diagnosticsLogger } from './diagnostics-logger.js';
import { CORE_PACKAGE_DIR } from './install-paths.js';
import { errorMessageOf, JobError } from './job-error.js';

type Ajv = import('ajv/dist/2020.js').default;
type StandaloneCode = (ajv: Ajv, validate: ValidateFunction) => string;

/** Where the build writes one ES module per bundled schema (see scripts/build-validators.mjs). */
export const PRECOMPILED_VALIDATORS_DIR = join(CORE_PACKAGE_DIR, 'dist', 'validators');

/**
 * Every schema, bundled or named by a flag, is compiled with the same options at build time and
 * at run time: draft 2020-12, strict, all errors, ajv-formats. ajv is loaded on first use; it is
 * the most expensive dependency to load and most runs only need the precompiled validators.
 */
async function createAjv(generateCode: boolean): Promise<Ajv> {
  const [ajvModule, formatsModule] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]);
  const { Ajv2020 } = commonJsExports(ajvModule);
  const addFormats = commonJsExports(formatsModule) as unknown as (ajv: Ajv) => Ajv;
  const ajv = new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTuples: true,
    // `"type": ["string", "number"]` is plain JSON Schema; strict mode would only warn about it.
    allowUnionTypes: true,
    ...(generateCode ? { code: { source: true, esm: true } } : {}),
  });
  addFormats(ajv);
  ajv.addFormat('date-time', dateTimeFormat);
  return ajv;
}

async function readSchemaFile(schemaPath: string): Promise<{ bytes: Buffer; schema: object }> {
  try {
    const bytes = await readFile(schemaPath);
    const schema = JSON.parse(bytes.toString('utf8')) as unknown;
    if (!schema || typeof schema !== 'object') throw new Error('not a JSON object');
    return { bytes, schema };
  } catch (error) {
    throw new JobError(
      'schema_validation_failed',
      `cannot load JSON Schema ${schemaPath}: ${(error as Error).message}`,
      { schema: schemaPath },
    );
  }
}

function compileOrExplain(ajv: Ajv, schema: object, schemaPath: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new JobError(
      'schema_validation_failed',
      `JSON Schema ${schemaPath} does not compile: ${(error as Error).message}`,
      { schema: schemaPath },
    );
  }
}

/**
 * Compiles a schema file at run time. Each file gets its own ajv instance, so two files that
 * share an `$id` (a copy of a bundled schema named by a flag) never resolve to each other.
 */
export async function compileSchemaFile(schemaPath: string): Promise<ValidateFunction> {
  const [{ schema }, ajv] = await Promise.all([readSchemaFile(schemaPath), createAjv(false)]);
  return compileOrExplain(ajv, schema, schemaPath);
}

export function precompiledValidatorPath(
  schemaFileName: string,
  validatorsDir: string = PRECOMPILED_VALIDATORS_DIR,
): string {
  return join(validatorsDir, `${schemaFileName.replace(/\.json$/, '')}.js`);
}

/** How standalone code names ajv-formats' date-time check; the generated modules use core's own. */
const AJV_DATE_TIME_REFERENCE = 'require("ajv-formats/dist/formats").fullFormats["date-time"]';

/** The date-time module as a generated validator in `validatorsDir` imports it (relative, so a build can move). */
function dateTimeModuleSpecifier(validatorsDir: string): string {
  const target = join(CORE_PACKAGE_DIR, 'dist', 'date-time-format.js');
  const path = relative(validatorsDir, target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * The source of an ES module exporting `validate` for one schema file (ajv standalone code) and
 * the SHA-256 of the schema bytes it was generated from, so a module left over from before a
 * schema edit is recognised and not used. The generated code reaches ajv's small runtime helpers
 * and ajv-formats' format checks through `require`, which an ES module gets from createRequire.
 */
export async function standaloneValidatorSource(
  schemaPath: string,
  validatorsDir: string = PRECOMPILED_VALIDATORS_DIR,
): Promise<string> {
  const [{ bytes, schema }, ajv, standaloneModule] = await Promise.all([
    readSchemaFile(schemaPath),
    createAjv(true),
    import('ajv/dist/standalone/index.js'),
  ]);
  const standaloneCode = commonJsExports(standaloneModule) as unknown as StandaloneCode;
  const code = standaloneCode(ajv, compileOrExplain(ajv, schema, schemaPath))
    .replace(/^"use strict";/, '')
    .replaceAll(AJV_DATE_TIME_REFERENCE, 'dateTimeFormat');
  return [
    `// Generated from ${basename(schemaPath)} by scripts/build-validators.mjs. Do not edit.`,
    "import { createRequire } from 'node:module';",
    `import { dateTimeFormat } from ${JSON.stringify(dateTimeModuleSpecifier(validatorsDir))};`,
    'const require = createRequire(import.meta.url);',
    `export const schemaSha256 = ${JSON.stringify(sha256Hex(bytes))};`,
    code,
    '',
  ].join('\n');
}

/**
 * Writes a precompiled validator module for every `*.json` schema in `schemasDir` and removes
 * modules whose schema is gone. Returns the modules written.
 */
export async function writePrecompiledValidators(
  schemasDir: string,
  validatorsDir: string = PRECOMPILED_VALIDATORS_DIR,
): Promise<string[]> {
  await mkdir(validatorsDir, { recursive: true });
  const schemaFiles = (await readdir(schemasDir)).filter((name) => name.endsWith('.json')).sort();
  const written: string[] = [];
  for (const name of schemaFiles) {
    const target = precompiledValidatorPath(name, validatorsDir);
    await writeFileAtomic(target, await standaloneValidatorSource(join(schemasDir, name), validatorsDir));
    written.push(target);
  }
  const expected = new Set(written.map((path) => basename(path)));
  for (const name of await readdir(validatorsDir)) {
    if (name.endsWith('.js') && !expected.has(name)) await rm(join(validatorsDir, name), { force: true });
  }
  return written;
}

interface PrecompiledModule {
  validate?: ValidateFunction;
  schemaSha256?: string;
}

/**
 * The build-time validator for a schema file, or null when the module does not exist, was
 * generated from different schema bytes (the schema was edited after the last build) or cannot
 * be loaded (generated for another ajv version): the caller then compiles the schema itself.
 */
export async function loadPrecompiledValidator(
  schemaPath: string,
  modulePath: string,
): Promise<ValidateFunction | null> {
  try {
    await stat(modulePath);
  } catch {
    return null;
  }
  const [loaded, { bytes }] = await Promise.all([
    (import(pathToFileURL(modulePath).href) as Promise<PrecompiledModule>).catch((error: unknown) => {
      diagnosticsLogger().warn(
        { module: modulePath, error: errorMessageOf(error) },
        'precompiled schema validator cannot be loaded; compiling the schema instead',
      );
      return null;
    }),
    readSchemaFile(schemaPath),
  ]);
  if (typeof loaded?.validate !== 'function' || loaded.schemaSha256 !== sha256Hex(bytes)) return null;
  return loaded.validate;
}
