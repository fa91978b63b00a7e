import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { JobError } from './job-error.js';

/** The installation's own schemas/ folder; a workspace needs no copy of it. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export function bundledSchemaPath(fileName: string): string {
  return `${SCHEMAS_DIR}${fileName}`;
}

export interface SchemaIssue {
  path: string;
  message: string;
}

export type Validator = (value: unknown) => SchemaIssue[];

type AjvInstance = import('ajv/dist/2020.js').default;
let ajvPromise: Promise<AjvInstance> | undefined;
const validators = new Map<string, Promise<Validator>>();

async function loadAjv(): Promise<AjvInstance> {
  const [{ Ajv2020 }, formatsModule] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]);
  const addFormats = formatsModule.default as unknown as (ajv: AjvInstance) => AjvInstance;
  const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictNumbers: true, strictTuples: true });
  addFormats(ajv);
  return ajv;
}

async function compile(schemaPath: string): Promise<Validator> {
  ajvPromise ??= loadAjv();
  const ajv = await ajvPromise;
  let schema: unknown;
  try {
    schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  } catch (error) {
    throw new JobError(
      'schema_validation_failed',
      `cannot load JSON Schema ${schemaPath}: ${(error as Error).message}`,
      {
        schema: schemaPath,
      },
    );
  }
  const id = (schema as { $id?: string }).$id;
  const validate = (id && ajv.getSchema(id)) || ajv.compile(schema as object);
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => ({
      path: error.instancePath || '/',
      message: `${error.message ?? 'invalid'}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`,
    }));
  };
}

/** Returns a cached validator for a JSON Schema file (draft 2020-12). */
export function schemaValidator(schemaPath: string): Promise<Validator> {
  let validator = validators.get(schemaPath);
  if (!validator) {
    validator = compile(schemaPath);
    validators.set(schemaPath, validator);
    validator.catch(() => validators.delete(schemaPath));
  }
  return validator;
}

export function formatSchemaIssues(issues: readonly SchemaIssue[], limit = 5): string {
  const shown = issues.slice(0, limit).map((issue) => `${issue.path}: ${issue.message}`);
  if (issues.length > limit) shown.push(`… ${issues.length - limit} more`);
  return shown.join('; ');
}
