// The console table: one block per suite, one line per measurement.

function fmt(v, unit) {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'number') return String(v);
  if (unit === 'bytes') return v.toLocaleString('en-US');
  if (unit === '×' || unit === 'fraction') return v.toFixed(3);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
}

function pad(cells, widths) {
  return cells.map((c, i) => (i >= cells.length - 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
}

export function formatTable(rows) {
  const header = ['model', 'runtime', 'size', 'stage', 'unit', 'median', 'p95', 'min', 'max', 'n'];
  const lines = [];
  const suites = [...new Set(rows.map((r) => r.suite))];
  for (const s of suites) {
    const body = rows
      .filter((r) => r.suite === s)
      .map((r) => [
        r.model ?? '', r.runtime ?? r.case ?? '', r.size ? `${r.size}²` : '', r.case && r.runtime ? `${r.stage} [${r.case}]` : r.stage, r.unit,
        fmt(r.median ?? r.value, r.unit), fmt(r.p95, r.unit), fmt(r.min, r.unit), fmt(r.max, r.unit), r.n ?? '',
      ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
    lines.push('', `== ${s}`, pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((b) => pad(b, widths)));
  }
  return lines.join('\n');
}

export function formatGoals(goals) {
  const lines = ['', '== goals (reported, not asserted)'];
  for (const g of goals) {
    const v = g.value === undefined ? '' : ` → ${fmt(g.value, g.unit)} ${g.unit === 'fraction' ? `(${(g.value * 100).toFixed(1)}%)` : g.unit}`;
    lines.push(`  [${g.status}] ${g.goal}${v}${g.model ? ` on ${g.model}` : ''}${g.note ? ` — ${g.note}` : ''}`);
  }
  return lines.join('\n');
}
