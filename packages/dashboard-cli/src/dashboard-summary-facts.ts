import { finiteOrNull, isJsonObject, shownTextOrNull } from '@obs-automation/core';

/** What an obs-dashboard run exported, for the human summary on a terminal. */
export function dashboardSummaryFacts(summary: Record<string, unknown>): string[] {
  const datasets = (Array.isArray(summary.datasets) ? summary.datasets : []).filter(isJsonObject);
  const facts =
    datasets.length > 0
      ? [
          datasets
            .map((item) => {
              const rows = finiteOrNull(item.row_count);
              return `${shownTextOrNull(item.name) ?? '?'} ${shownTextOrNull(item.status) ?? '?'}${rows === null ? '' : ` (${rows} rows)`}`;
            })
            .join(', '),
        ]
      : [];
  const sequence = finiteOrNull(summary.sequence);
  if (sequence !== null) facts.push(`bundle sequence ${sequence}`);
  const history = isJsonObject(summary.history) ? summary.history : {};
  const kept = shownTextOrNull(history.bundle);
  if (kept !== null)
    facts.push(
      history.stored === 'reference' ? `history: same datasets as bundle ${kept}` : 'history: bundle kept',
    );
  const page = shownTextOrNull(summary.page);
  if (page !== null) facts.push(`page ${page}`);
  const upload = isJsonObject(summary.upload) ? summary.upload : {};
  const uploadStatus = shownTextOrNull(upload.status);
  if (uploadStatus !== null)
    facts.push(`upload ${uploadStatus}${upload.reason ? ` (${shownTextOrNull(upload.reason)})` : ''}`);
  return facts;
}
