// The soak's workspace: the sample workspace generated on a tmpfs of its own (so one run can
// meet a full disk), the deployment's configs pointed at the soak's receivers, and the file
// facts the checks and the storage table read.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { generateSampleWorkspace } from '../sample-workspace.mjs';

const TMPFS_BYTES = 16 * 1024 ** 3;
export const UPLOAD_FAILS_MARKER = 'soak-upload-fails';

function tryMount(args) {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A fresh folder for the workspace, on a tmpfs of its own when mounts are allowed. */
export async function makeSoakFolder() {
  const base = await mkdtemp(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'obs-soak-'));
  const root = join(base, 'workspace');
  await mkdir(root);
  const mounted = tryMount(['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', root]);
  const removeSync = () => {
    if (mounted) execFileSync('umount', [root], { stdio: 'ignore' });
    rmSync(base, { recursive: true, force: true });
  };
  return {
    base,
    root,
    mounted,
    removeSync,
    async remove() {
      removeSync();
    },
  };
}

const NOTIFICATIONS_YAML = `# written by the soak (scripts/soak/): every event to the signed webhook, the chain and verification also by e-mail
repeat_interval: 4h
delivery: {max_retries: 1, retry_wait_seconds: 0, timeout_seconds: 2}
state_dir: ops/notifications
receivers:
  - name: ops-webhook
    type: generic
    url_env: OBS_SOAK_NOTIFY_URL
    secret_env: OBS_WEBHOOK_SECRET
  - name: oncall-email
    type: email
    smtp:
      host_env: OBS_SOAK_SMTP_HOST
      port_env: OBS_SOAK_SMTP_PORT
      tls: {mode: none}
      timeout_seconds: 2
    from: obs-automation@example.com
    to: [oncall@example.com]
routes:
  - match: {event: [chain_stopped, verification_failed]}
    receivers: [ops-webhook, oncall-email]
  - match: {event: alert_delivery_failing}
    receivers: [oncall-email, ops-webhook]
default_route:
  receivers: [ops-webhook]
`;

/**
 * Generates the sample workspace anchored at the soak's start and writes its configs; the
 * dashboard history expires after `historyRetentionDays` (one simulated day in the soak, so that
 * pruning runs within it, instead of the deployment's 56).
 */
export async function prepareWorkspace({ repoRoot, root, anchor, seed, historyRetentionDays = 1 }) {
  await generateSampleWorkspace(root, { anchor, seed });
  await cp(join(repoRoot, 'configs'), join(root, 'configs'), { recursive: true });
  const configs = join(root, 'configs/observability');
  const weekly = await readFile(join(configs, 'weekly_payload.yaml'), 'utf8');
  // the soak's receivers answer at once; real seconds of back-off would only slow it down
  await writeFile(
    join(configs, 'weekly_payload.yaml'),
    weekly
      .replace(/^max_retries: \d+/m, 'max_retries: 1')
      .replace(/^retry_wait_seconds: \d+/m, 'retry_wait_seconds: 0')
      .replace(/^timeout_seconds: \d+/m, 'timeout_seconds: 2'),
  );
  const dashboard = await readFile(join(configs, 'dashboard_export.yaml'), 'utf8');
  await writeFile(
    join(configs, 'dashboard_export.yaml'),
    dashboard
      .replace(
        /^ {2}upload_command: null.*$/m,
        `  upload_command: "test ! -e '${join(root, UPLOAD_FAILS_MARKER)}'"`,
      )
      .replace(/^( {2}retention_days:) 56\b/m, `$1 ${historyRetentionDays}`),
  );
  await writeFile(join(configs, 'notifications.yaml'), NOTIFICATIONS_YAML);
}

/**
 * Fills the workspace's tmpfs (shrunk to what it holds) so the next writes fail with ENOSPC;
 * returns the undo, or null where mounts are not allowed.
 */
export async function fillDisk(folder) {
  if (!folder.mounted) return null;
  const usedKb = Number(execFileSync('df', ['--output=used', '-k', folder.root]).toString().split('\n')[1]);
  if (!tryMount(['-o', `remount,size=${usedKb + 512}k`, folder.root])) return null;
  const filler = join(folder.root, 'soak-disk-filler.bin');
  const handle = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 0x2e);
  try {
    for (;;) writeSync(handle, chunk);
  } catch (error) {
    if (error.code !== 'ENOSPC') throw error;
  } finally {
    closeSync(handle);
  }
  return async () => {
    await rm(filler, { force: true });
    tryMount(['-o', `remount,size=${TMPFS_BYTES}`, folder.root]);
  };
}

/** Every file under `dir` (root-relative, `/`-separated) with its size. */
export async function filesUnder(root, dir) {
  const files = [];
  let entries;
  try {
    entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath ?? entry.path, entry.name);
    files.push({ path: relative(root, absolute).split(sep).join('/'), bytes: (await lstat(absolute)).size });
  }
  return files;
}

/** The storage figures issue 17 asks for, at one moment of the soak. */
export async function storageFigures(root) {
  const ops = await filesUnder(root, 'ops');
  const out = await filesUnder(root, 'out');
  const sum = (files) => files.reduce((total, file) => total + file.bytes, 0);
  const history = ops.filter((file) => file.path.startsWith('ops/dashboard_export_history/'));
  const archive = ops.filter((file) => file.path.startsWith('ops/signal_latency_archive/'));
  const log = await stat(join(root, 'ops/automation_runs.log')).catch(() => ({ size: 0 }));
  return {
    opsFiles: ops.length,
    opsBytes: sum(ops),
    outFiles: out.length,
    outBytes: sum(out),
    archiveFiles: archive.length,
    historyBytes: sum(history),
    runLogBytes: log.size,
  };
}
