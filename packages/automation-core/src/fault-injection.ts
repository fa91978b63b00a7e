/**
 * Named crash points for crash-safety tests: when OBS_FAULT_POINT names the point, the process
 * kills itself with SIGKILL there, exactly as a power cut or OOM kill would. The points are
 * listed in docs/testing.md.
 */
export function faultPoint(name: string): void {
  if (process.env.OBS_FAULT_POINT === name) process.kill(process.pid, 'SIGKILL');
}
