import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli-process.js';
import { CORE_DIST } from './core-processes.js';

const SCHEMAS_DIR = join(REPO_ROOT, 'schemas');
const CORE_PACKAGE = join(REPO_ROOT, 'packages/automation-core');
const BUILD_VALIDATORS = join(CORE_PACKAGE, 'scripts/build-validators.mjs');
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

// ajv is a dependency of the core package; load it from there, independently of the core's code.
const requireFromCore = createRequire(join(CORE_PACKAGE, 'package.json'));
interface Ajv {
  compile(schema: object): unknown;
}
const { Ajv2020 } = requireFromCore('ajv/dist/2020') as { Ajv2020: new (options: object) => Ajv };
const addFormats = requireFromCore('ajv-formats') as (ajv: Ajv) => void;

const schemaFiles = readdirSync(SCHEMAS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const readSchema = (name: string) =>
  JSON.parse(readFileSync(join(SCHEMAS_DIR, name), 'utf8')) as Record<string, unknown>;

describe('schemas/', () => {
  it('holds the bundled schemas', () => {
    expect(schemaFiles).toContain('automation_run.schema.json');
  });

  describe.each(schemaFiles)('%s', (name) => {
    it('declares draft 2020-12 and an $id', () => {
      const schema = readSchema(name);
      expect(schema.$schema).toBe(DRAFT_2020_12);
      expect(schema.$id).toEqual(expect.stringMatching(/^https?:\/\/\S+$/));
    });

    it('compiles with ajv in strict schema mode with formats', () => {
      const ajv = new Ajv2020({
        strictSchema: true,
        strictNumbers: true,
        strictTuples: true,
        allowUnionTypes: true,
        allErrors: true,
      });
      addFormats(ajv);
      expect(() => ajv.compile(readSchema(name))).not.toThrow();
    });
  });

  it('gives every schema its own $id', () => {
    const ids = schemaFiles.map((name) => readSchema(name).$id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('precompiled validators', () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [BUILD_VALIDATORS], { cwd: REPO_ROOT });
  });

  it('the build step writes one for every schema, and the core uses it without loading the ajv compiler', async () => {
    const probe = `
      import { createRequire } from 'node:module';
      import { bundledSchemaPath, schemaValidator } from ${JSON.stringify(CORE_DIST)};
      const names = ${JSON.stringify(schemaFiles)};
      const results = {};
      for (const name of names) results[name] = (await schemaValidator(bundledSchemaPath(name)))({}).length > 0;
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ results, compilerLoaded: loaded.some((path) => path.includes('/ajv/dist/compile/')) }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: REPO_ROOT,
    });
    const report = JSON.parse(stdout) as { results: Record<string, boolean>; compilerLoaded: boolean };
    expect(Object.keys(report.results)).toEqual(schemaFiles);
    expect(report.compilerLoaded).toBe(false);
  });
});
