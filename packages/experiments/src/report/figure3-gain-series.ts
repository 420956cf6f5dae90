import type { ReportData } from './build-report';

type Figure3Row = ReportData['figure3']['rows'][number];

/** One bar series of the Figure 3 gain charts; `lower`/`upper` (CI, same units as `value`) for ours only. */
export interface Figure3GainSeries {
  name: string;
  color: string;
  value: (r: Figure3Row | undefined) => number;
  lower?: (r: Figure3Row | undefined) => number;
  upper?: (r: Figure3Row | undefined) => number;
  /** Colour of a bar that shows the absolute difference (FL's Dice 0) instead of the relative gain. */
  absoluteColor?: string;
}

/** Where FL's mean Dice is 0: ours is A-FL − FL in Dice points (× 100), drawn on the same axis, labelled as such. */
export const FIGURE3_ABSOLUTE_LABEL = 'A-FL − FL in Dice points (×100) where FL\'s Dice is 0 (relative gain undefined)';

const oursValue = (r: Figure3Row | undefined, key: 'gainPercent' | 'gainLower' | 'gainUpper') => {
  if (!r) return NaN;
  if (r.gainKind === 'relative') return r[key];
  if (r.gainKind === 'absolute') return 100 * r[({ gainPercent: 'diff', gainLower: 'diffLower', gainUpper: 'diffUpper' } as const)[key]];
  return NaN;
};

/**
 * What both Figure 3 gain charts (SVG and plotly) draw: the first setting's rows, the two measures, paper and ours
 * (ours with its bootstrap 95 % CI; where FL's Dice is 0, A-FL − FL in Dice points, {@link FIGURE3_ABSOLUTE_LABEL}).
 */
export function figure3GainSeries(report: ReportData): {
  sel: Figure3Row[];
  measures: readonly ['smoothness', 'volume'];
  series: Figure3GainSeries[];
  /** Whether any group of `sel` shows the absolute difference. */
  anyAbsolute: boolean;
} {
  const rows = report.figure3.rows;
  const first = rows[0];
  const sel = rows.filter((r) => r.setting === first?.setting && r.model === first?.model && r.dataset === first?.dataset);
  const series: Figure3GainSeries[] = [
    { name: 'paper', color: '#9ecae9', value: (r) => r?.paperGainPercent ?? NaN },
    {
      name: 'ours (95 % CI)',
      color: '#4c78a8',
      absoluteColor: '#e45756',
      value: (r) => oursValue(r, 'gainPercent'),
      lower: (r) => oursValue(r, 'gainLower'),
      upper: (r) => oursValue(r, 'gainUpper'),
    },
  ];
  return { sel, measures: ['smoothness', 'volume'] as const, series, anyAbsolute: sel.some((r) => r.gainKind === 'absolute') };
}
