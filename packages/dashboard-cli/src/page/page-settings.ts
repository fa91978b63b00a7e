import * as z from '@obs-automation/core/zod';

const fraction = z.number().min(0).max(1);
const positive = z.number().positive();

/**
 * `page:` of dashboard_export.yaml: the thresholds the dashboard page highlights against and the
 * rule that makes a move "large". Every key has a default (docs/decisions.md, "Dashboard page").
 */
export const pageSettingsSchema = z
  .strictObject({
    /** execution_health.slippage_bps above this is highlighted */
    slippage_bps_max: positive.default(3),
    /** execution_health.reject_rate above this is highlighted */
    reject_rate_max: fraction.default(0.02),
    /** a slip.a coefficient further than this (relative) from its series' median is highlighted */
    slip_coefficient_drift: positive.default(0.25),
    large_change: z
      .strictObject({
        /** win-rate LCB moves by at least this much (absolute) between two snapshots of a series */
        win_rate_lcb: fraction.default(0.05),
        /** a slip.a coefficient moves by at least this fraction of its previous value */
        slip_coefficient: positive.default(0.25),
        /** avg_trades_per_day moves by at least this fraction between two runs of a symbol/mode */
        trades_per_day: positive.default(0.5),
        /** win_rate moves by at least this much (absolute) between two runs of a symbol/mode */
        win_rate: fraction.default(0.1),
        /** how many of the largest moves the page lists */
        max_listed: z.number().int().min(1).max(500).default(20),
      })
      .prefault({}),
  })
  .prefault({});

export type PageSettings = z.output<typeof pageSettingsSchema>;

/** The settings with every default, for runs without a `page:` section. */
export const DEFAULT_PAGE_SETTINGS: PageSettings = pageSettingsSchema.parse(undefined);
