/** The webhook client's defaults, which every job's webhook flags show and use. */
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_WAIT_SECONDS = 60;
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 3600;
/** The variable holding the signing secret unless a job's flag names another. */
export const DEFAULT_WEBHOOK_SECRET_ENV = 'OBS_WEBHOOK_SECRET';
