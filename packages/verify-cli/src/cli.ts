#!/usr/bin/env node
import { runMain } from '@obs-automation/core';
import { runVerifyCommand } from './verify-command.js';

await runMain((signal) => runVerifyCommand(process.argv.slice(2), signal));
