import type { Alert } from '../../model/alert.js';

/** Exactly the columns the KQL returns, so the answer can be diffed with Sentinel's. */
export const ALERT_CSV_HEADER = 'SourceIP,DestinationIP,TimeGenerated,count_';

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function alertCsvRow(a: Alert): string {
  return [csvField(a.srcIp), csvField(a.dstIp), a.time, String(a.count)].join(',');
}
