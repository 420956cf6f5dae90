import type { ReportData } from './build-report';

type Figure3Row = ReportData['figure3']['rows'][number];

/** What both Figure 3 gain charts (SVG and plotly) draw: the first setting's rows, the two measures, paper and ours. */
export function figure3GainSeries(report: ReportData): {
  sel: Figure3Row[];
  measures: readonly ['smoothness', 'volume'];
  series: Array<{ name: string; color: string; value: (r: Figure3Row | undefined) => number }>;
} {
  const rows = report.figure3.rows;
  const first = rows[0];
  const sel = rows.filter((r) => r.setting === first?.setting && r.model === first?.model && r.dataset === first?.dataset);
  const series = [
    { name: 'paper', color: '#9ecae9', value: (r: Figure3Row | undefined) => r?.paperGainPercent ?? NaN },
    { name: 'ours', color: '#4c78a8', value: (r: Figure3Row | undefined) => r?.gainPercent ?? NaN },
  ];
  return { sel, measures: ['smoothness', 'volume'] as const, series };
}
