export { BUNDLE_OPTIONS, type BundleOptions, bundleJob } from './bundle-job.js';
export {
  type BundleCheck,
  type BundleFailure,
  type BundleReport,
  DEFAULT_RETENTION_DAYS,
  type VerifyBundleOptions,
  verifyBundle,
} from './verify-bundle.js';
