import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compileSchemaFile,
  loadPrecompiledValidator,
  precompiledValidatorPath,
  writePrecompiledValidators,
} from './schema-compiler.js';
import { bundledSchemaPath, formatSchemaIssues, schemaValidator } from './schema-validator.js';

const PACKAGE_NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

const EVENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://obs-automation.invalid/schemas/test_event.schema.json',
  type: 'object',
  required: ['at', 'name'],
  properties: {
    at: { type: 'string', format: 'date-time' },
    name: { type: 'string', minLength: 2 },
    count: { type: ['integer', 'null'], minimum: 0 },
  },
  additionalProperties: false,
};

const SAMPLES: unknown[] = [
  { at: '2026-01-01T00:00:00Z', name: 'ok' },
  { at: '2026-01-01T00:00:00Z', name: 'ok', count: null },
  { at: 'yesterday', name: 'ok' },
  { at: '2026-01-01T00:00:00Z', name: 'x', count: -1, extra: true },
  { name: 'é' },
  'not an object',
];

let dir: string;
let schemas: string;
let validators: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-schemas-'));
  schemas = join(dir, 'schemas');
  validators = join(dir, 'validators');
  await mkdir(schemas);
  // The generated modules are ES modules that find ajv's runtime through node_modules, as they
  // do in the package's dist/ folder.
  await writeFile(join(dir, 'package.json'), '{"type": "module"}\n');
  await symlink(PACKAGE_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  await writeFile(join(schemas, 'test_event.schema.json'), JSON.stringify(EVENT_SCHEMA, null, 2));
  await copyFile(
    bundledSchemaPath('automation_run.schema.json'),
    join(schemas, 'automation_run.schema.json'),
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('precompiled validators', () => {
  it('writes one ES module per schema that validates exactly like run-time compilation', async () => {
    const written = await writePrecompiledValidators(schemas, validators);
    expect(written).toEqual([
      join(validators, 'automation_run.schema.js'),
      join(validators, 'test_event.schema.js'),
    ]);
    const schemaPath = join(schemas, 'test_event.schema.json');
    const precompiled = await loadPrecompiledValidator(schemaPath, written[1] as string);
    const compiled = await compileSchemaFile(schemaPath);
    expect(precompiled).toBeTypeOf('function');
    for (const sample of SAMPLES) {
      const expected = compiled(sample);
      expect(precompiled?.(sample), JSON.stringify(sample)).toBe(expected);
      expect(precompiled?.errors ?? null).toEqual(compiled.errors ?? null);
    }
    expect(precompiled?.({ at: 'yesterday', name: 'ok' })).toBe(false);
    expect(precompiled?.errors?.[0]).toMatchObject({ instancePath: '/at', keyword: 'format' });
  });

  it('is not used once the schema has changed since it was generated', async () => {
    const [module] = await writePrecompiledValidators(schemas, validators);
    const schemaPath = join(schemas, 'automation_run.schema.json');
    expect(await loadPrecompiledValidator(schemaPath, module as string)).toBeTypeOf('function');
    await writeFile(schemaPath, `${await readFile(schemaPath, 'utf8')}\n`);
    expect(await loadPrecompiledValidator(schemaPath, module as string)).toBeNull();
  });

  it('is null, and the schema gets compiled instead, when the module cannot be loaded', async () => {
    const [module] = await writePrecompiledValidators(schemas, validators);
    await writeFile(
      module as string,
      `${await readFile(module as string, 'utf8')}\nimport 'ajv/dist/moved-away.js';\n`,
    );
    expect(
      await loadPrecompiledValidator(join(schemas, 'automation_run.schema.json'), module as string),
    ).toBeNull();
  });

  it('is null when there is no generated module', async () => {
    expect(
      await loadPrecompiledValidator(
        join(schemas, 'test_event.schema.json'),
        precompiledValidatorPath('test_event.schema.json', validators),
      ),
    ).toBeNull();
  });

  it('removes modules whose schema is gone', async () => {
    await writePrecompiledValidators(schemas, validators);
    await rm(join(schemas, 'test_event.schema.json'));
    await writePrecompiledValidators(schemas, validators);
    expect(existsSync(join(validators, 'test_event.schema.js'))).toBe(false);
    expect(existsSync(join(validators, 'automation_run.schema.js'))).toBe(true);
  });

  it('fails the build on a schema that does not compile in strict mode', async () => {
    await writeFile(join(schemas, 'broken.schema.json'), JSON.stringify({ type: 'object', requird: ['x'] }));
    await expect(writePrecompiledValidators(schemas, validators)).rejects.toMatchObject({
      code: 'schema_validation_failed',
      message: expect.stringContaining('broken.schema.json does not compile'),
    });
  });
});

describe('compileSchemaFile', () => {
  it('names the file when it is not JSON', async () => {
    const path = join(schemas, 'bad.schema.json');
    await writeFile(path, '{"type": ');
    await expect(compileSchemaFile(path)).rejects.toMatchObject({
      code: 'schema_validation_failed',
      message: expect.stringContaining(path),
    });
  });

  it('keeps two files with the same $id apart', async () => {
    const strict = join(schemas, 'test_event.schema.json');
    const loose = join(schemas, 'loose.schema.json');
    await writeFile(loose, JSON.stringify({ ...EVENT_SCHEMA, additionalProperties: true }));
    const extra = { at: '2026-01-01T00:00:00Z', name: 'ok', extra: 1 };
    expect((await compileSchemaFile(strict))(extra)).toBe(false);
    expect((await compileSchemaFile(loose))(extra)).toBe(true);
  });
});

describe('schemaValidator', () => {
  it('reports each problem with its path, for a file named by a flag', async () => {
    const validate = await schemaValidator(join(schemas, 'test_event.schema.json'));
    expect(validate(SAMPLES[0])).toEqual([]);
    const issues = validate(SAMPLES[3]);
    expect(issues.map((issue) => issue.path).sort()).toEqual(['/', '/count', '/name']);
    expect(formatSchemaIssues(issues, 2)).toMatch(/; … 1 more$/);
  });

  it('validates against the bundled run log schema', async () => {
    const validate = await schemaValidator(bundledSchemaPath('automation_run.schema.json'));
    expect(validate({})).not.toEqual([]);
  });
});
