#!/usr/bin/env node
import { runMain, runProgram } from '@obs-automation/core';
import { statusCommand } from './status-command.js';

await runMain((signal) =>
  runProgram({ job: 'status', main: statusCommand }, process.argv.slice(2), { signal }),
);
