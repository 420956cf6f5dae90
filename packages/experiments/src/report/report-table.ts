import { aq, type ColumnTable } from './load-arquero';

/** How one column of a {@link ReportTable} is shown in Markdown. */
export interface DisplayColumn {
  label: string;
  align?: 'left' | 'right' | 'center';
  value: (row: Record<string, any>) => string;
}

export interface ReportTableInit {
  id: string;
  title: string;
  /** The numbers (what `toCSV()` writes and notebooks compute with). */
  data: ColumnTable;
  /** What `toMarkdown()` shows; default: every column of `data`, as is. */
  columns?: DisplayColumn[];
  notes?: string[];
}

/**
 * A result table: the numbers as an arquero table (`data`), a Markdown rendering for reports and notebooks and a CSV
 * for other tools. Notebooks only display it.
 *
 * @example console.log(report.tables.table1.toMarkdown());
 */
export class ReportTable {
  readonly id: string;
  readonly title: string;
  readonly data: ColumnTable;
  readonly columns: DisplayColumn[];
  readonly notes: string[];

  constructor(init: ReportTableInit) {
    this.id = init.id;
    this.title = init.title;
    this.data = init.data;
    this.columns = init.columns ?? init.data.columnNames().map((name) => ({ label: name, value: (r) => formatCell(r[name]) }));
    this.notes = init.notes ?? [];
  }

  /** The rows as plain objects. */
  rows(): Record<string, any>[] {
    return this.data.objects() as Record<string, any>[];
  }

  get numRows(): number {
    return this.data.numRows();
  }

  /** A GitHub-flavoured Markdown table, with the title as a heading (`heading: 0` leaves it out) and notes below. */
  toMarkdown(options: { heading?: number } = {}): string {
    const level = options.heading ?? 3;
    const cols = this.columns;
    const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const lines: string[] = [];
    if (level > 0) lines.push(`${'#'.repeat(level)} ${this.title}`, '');
    lines.push(`| ${cols.map((c) => esc(c.label)).join(' | ')} |`);
    lines.push(`|${cols.map((c) => (c.align === 'right' ? ' ---: ' : c.align === 'center' ? ' :---: ' : ' :--- ')).join('|')}|`);
    const rows = this.rows();
    for (const r of rows) lines.push(`| ${cols.map((c) => esc(c.value(r))).join(' | ')} |`);
    if (rows.length === 0) lines.push(`| ${cols.map((_, i) => (i === 0 ? '(no rows)' : '')).join(' | ')} |`);
    if (this.notes.length > 0) lines.push('', ...this.notes.map((n) => `- ${n}`));
    return lines.join('\n') + '\n';
  }

  /** Comma-separated values of `data` with a header row (NaN written as `NaN`, a missing value as an empty field). */
  toCSV(): string {
    const text = this.data.toCSV();
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}

/** Builds an arquero table from row objects with the given column order (works for zero rows too). */
export function tableFrom(rows: Record<string, unknown>[], columns: string[]): ColumnTable {
  const data: Record<string, unknown[]> = {};
  for (const c of columns) data[c] = rows.map((r) => (r[c] === undefined ? null : r[c]));
  return aq.table(data);
}

export function formatNumber(x: unknown, digits = 3): string {
  if (typeof x !== 'number' || Number.isNaN(x)) return '—';
  return x.toFixed(digits);
}

export function formatSigned(x: unknown, digits = 3): string {
  if (typeof x !== 'number' || Number.isNaN(x)) return '—';
  const s = x.toFixed(digits);
  return x > 0 || (x === 0 && !s.startsWith('-')) ? `+${s}` : s.replace('-', '−');
}

export function formatMeanStd(mean: unknown, std: unknown, digits = 3): string {
  if (typeof mean !== 'number' || Number.isNaN(mean)) return '—';
  return typeof std === 'number' && !Number.isNaN(std) ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/** p-values: two significant digits, `< 0.001` below that. */
export function formatP(p: unknown): string {
  if (typeof p !== 'number' || Number.isNaN(p)) return 'n/a';
  if (p < 0.001) return '< 0.001';
  return String(Number(p.toPrecision(2)));
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatNumber(v, 4);
  if (typeof v === 'boolean') return v ? '✓' : '–';
  return String(v);
}
