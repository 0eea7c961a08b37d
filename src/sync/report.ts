/** What a sync run did, as returned by runSync and printed by `leerid sync`. */

export type SyncOutcome = 'applied' | 'dry-run';

/**
 * How the dump was read: straight into a store without pupils, skipping the
 * pupils unchanged since the last run, or every pupil parsed (a dump not
 * grouped by pupil; a first import out of Discimus id order).
 */
export type SyncReading = 'first-import' | 'skipping' | 'full';

export interface SyncReport {
  runId: number;
  file: string;
  checksum: string;
  /** Size of the file as stored, in bytes. */
  bytes: number;
  outcome: SyncOutcome;
  reading: SyncReading;
  forced: boolean;
  today: string;
  rows: number;
  durationMs: number;
  pupils: {
    inDump: number;
    new: number;
    changed: number;
    returned: number;
    gone: number;
    /** Described byte for byte as when last applied: not parsed at all. */
    unchanged: number;
  };
  enrolments: {
    new: number;
    changed: number;
    ended: number;
    gone: number;
    activeBefore: number;
  };
  accounts: { created: number };
  institutions: { new: number };
  locations: { new: number };
  guards: { endedShare: number; sizeRatio: number | null; overridden: string[] };
}

export function formatReport(report: SyncReport): string {
  const { pupils: p, enrolments: e } = report;
  const title = report.outcome === 'dry-run' ? 'dry run, nothing written' : 'applied';
  const lines = [
    `sync run ${report.runId} (${title}): ${report.file}`,
    `  rows ${report.rows}, ${(report.durationMs / 1000).toFixed(1)} s, today ${report.today}, ` +
      `read: ${report.reading}`,
    `  pupils      ${p.inDump} in dump: ${p.new} new, ${p.changed} changed, ` +
      `${p.returned} returned, ${p.gone} gone; ${p.unchanged} skipped as unchanged`,
    `  enrolments  ${e.new} new, ${e.changed} changed, ${e.ended} ended ` +
      `(of ${e.activeBefore} active), ${e.gone} gone from the dump`,
    `  accounts    ${report.accounts.created} created`,
    `  schools     ${report.institutions.new} new, ${report.locations.new} new locations`,
  ];
  if (report.guards.overridden.length) {
    lines.push(`  forced past: ${report.guards.overridden.join('; ')}`);
  }
  return lines.join('\n');
}
