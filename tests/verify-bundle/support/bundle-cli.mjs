#!/usr/bin/env node
// Runs `obs-verify bundle` from the built bundle module until obs-verify's own cli wires the
// subcommand; the arguments are those of `obs-verify bundle`.
import { runJob, runMain } from '../../../packages/automation-core/dist/index.js';
import { bundleJob } from '../../../packages/verify-cli/dist/bundle/index.js';

await runMain((signal) => runJob(bundleJob, process.argv.slice(2), { signal }));
