#!/usr/bin/env node
// Generates dist/validators/<schema>.js, a standalone ajv validator for every bundled schema in
// the repository's schemas/ folder, so that jobs validate without compiling schemas at start-up.
// Run after `tsc -b` (it uses the compiled core): node packages/automation-core/scripts/build-validators.mjs
import { relative } from 'node:path';
import { SCHEMAS_DIR, writePrecompiledValidators } from '../dist/index.js';

const written = await writePrecompiledValidators(SCHEMAS_DIR);
for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
