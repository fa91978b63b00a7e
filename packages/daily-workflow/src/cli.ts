#!/usr/bin/env node
import { runMain } from '@obs-automation/core';
import { runDailyCommand } from './daily-command.js';

await runMain((signal) => runDailyCommand(process.argv.slice(2), signal));
