// The one table bench/run-all.mjs prints and writes: summary rows (bench/lib/summary.mjs) as a
// Markdown table, which reads the same in a terminal, with notes as numbered footnotes.

function number(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (unit === 'requests' || unit === 'packages') return String(Math.round(value));
  if (unit === 'ms') return value >= 100 ? value.toFixed(0) : value.toFixed(2);
  return value.toFixed(2);
}

function withUnit(value, unit) {
  const text = number(value, unit);
  if (text === '-') return text;
  if (text === '1' && unit.endsWith('s')) return `1 ${unit.slice(0, -1)}`;
  return unit === 'x node -e 0' ? `${text}x node -e 0` : `${text} ${unit}`;
}

/**
 * Renders rows `{ bench, metric, ours, baseline, baselineName, unit, ratio, note?, skipped? }`
 * as `{ table, notes }`: a padded Markdown table (benchmark | metric | ours | baseline | ratio)
 * and the footnote lines its `[n]` markers point to.
 */
export function renderTable(rows) {
  const notes = [];
  const cells = rows.map((row) => {
    if (row.skipped) return [row.bench, row.skipped, '-', '-', '-'];
    let metric = row.metric;
    if (row.note) {
      let index = notes.indexOf(row.note);
      if (index < 0) index = notes.push(row.note) - 1;
      metric += ` [${index + 1}]`;
    }
    const baseline =
      row.baseline === null || row.baseline === undefined
        ? '-'
        : `${withUnit(row.baseline, row.unit)} (${row.baselineName})`;
    const ratio = typeof row.ratio === 'number' ? `${row.ratio.toFixed(2)}x` : '-';
    return [row.bench, metric, withUnit(row.ours, row.unit), baseline, ratio];
  });
  const header = ['benchmark', 'metric', 'ours', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((text, i) => text.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return {
    table: [line(header), rule, ...cells.map(line)].join('\n'),
    notes: notes.map((note, i) => `[${i + 1}] ${note}`),
  };
}
