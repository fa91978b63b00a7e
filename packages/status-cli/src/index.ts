export { checkWorkspace, statusResult } from './status-check.js';
export { statusCommand } from './status-command.js';
export { renderStatusScreen } from './status-screen.js';
