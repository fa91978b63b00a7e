import { basename, dirname, join, resolve, sep } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { INSTALL_ROOT } from './install-paths.js';
import { compileSchemaFile, loadPrecompiledValidator, precompiledValidatorPath } from './schema-compiler.js';

/** The installation's own schemas/ folder; a workspace needs no copy of it. */
export const SCHEMAS_DIR = `${join(INSTALL_ROOT, 'schemas')}${sep}`;

export function bundledSchemaPath(fileName: string): string {
  return `${SCHEMAS_DIR}${fileName}`;
}

export interface SchemaIssue {
  path: string;
  message: string;
}

export type Validator = (value: unknown) => SchemaIssue[];

const validators = new Map<string, Promise<Validator>>();

function isBundled(schemaPath: string): boolean {
  return resolve(dirname(schemaPath)) === resolve(SCHEMAS_DIR);
}

function issuesOf(validate: ValidateFunction): Validator {
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => ({
      path: error.instancePath || '/',
      message: `${error.message ?? 'invalid'}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`,
    }));
  };
}

async function load(schemaPath: string): Promise<Validator> {
  const precompiled = isBundled(schemaPath)
    ? await loadPrecompiledValidator(schemaPath, precompiledValidatorPath(basename(schemaPath)))
    : null;
  return issuesOf(precompiled ?? (await compileSchemaFile(schemaPath)));
}

/**
 * Returns a cached validator for a JSON Schema file (draft 2020-12). A bundled schema uses the
 * validator generated at build time when it is up to date; any other file is compiled on first
 * use.
 */
export function schemaValidator(schemaPath: string): Promise<Validator> {
  let validator = validators.get(schemaPath);
  if (!validator) {
    validator = load(schemaPath);
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
