export const DATASET_NAMES = ['ev_history', 'slippage', 'turnover', 'latency'] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

/** Version of the dataset files and the manifest written by this package. */
export const DASHBOARD_SCHEMA_VERSION = '1.0';
