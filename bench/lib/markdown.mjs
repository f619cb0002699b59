// A results JSON as Markdown (for BENCHMARKS.md): machine, goals, one table per suite.

function num(v, unit) {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'number') return String(v);
  if (unit === 'bytes') return v.toLocaleString('en-US');
  if (unit === '×' || unit === 'fraction') return v.toFixed(3);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
}

const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');

function table(rows) {
  const head = '| model | runtime | size | stage | unit | median | p95 | min | max | n |\n|---|---|---|---|---|--:|--:|--:|--:|--:|';
  const body = rows.map((r) =>
    `| ${esc(r.model)} | ${esc(r.runtime ?? '')} | ${r.size ? `${r.size}²` : ''} | ${esc(r.case ? `${r.stage} [${r.case}]` : r.stage)} | ${r.unit} | ` +
    `${num(r.median ?? r.value, r.unit)} | ${num(r.p95, r.unit)} | ${num(r.min, r.unit)} | ${num(r.max, r.unit)} | ${r.n ?? ''} |`,
  );
  return [head, ...body].join('\n');
}

export function resultToMarkdown(result, { title } = {}) {
  const m = result.machine;
  const out = [];
  out.push(`### ${title ?? `${result.mode} run, ${result.date.slice(0, 16).replace('T', ' ')} UTC`}`, '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, onnxruntime-node ${m.onnxruntimeNode}, ` +
      `onnxruntime-web ${m.onnxruntimeWeb}, ${m.chromium ?? 'no Chromium'}${m.torch ? `, ${m.torch}` : ''}. ` +
      `Load average ${m.loadAverageAtStart.join(' / ')} at the start, ${(m.loadAverageAtEnd ?? []).join(' / ')} at the end. ` +
      `Run took ${Math.round(result.durationSeconds)} s.`,
    '',
  );
  out.push('Goals (reported, not asserted):', '');
  for (const g of result.goals) {
    const v = g.value === undefined ? '' : ` — **${num(g.value, g.unit)}${g.unit === 'fraction' ? ` (${(g.value * 100).toFixed(1)} %)` : ` ${g.unit}`}** on ${g.model}`;
    const mark = { met: '✅ met', 'not met': '❌ not met', 'not judged': '➖ not judged' }[g.status] ?? '— not measured';
    out.push(`- ${mark}: ${g.goal}${v}${g.note ? ` (${g.note})` : ''}`);
  }
  out.push('');
  for (const s of [...new Set(result.rows.map((r) => r.suite))]) {
    out.push(`#### ${s}`, '', table(result.rows.filter((r) => r.suite === s)), '');
  }
  if (result.skipped?.length) {
    out.push('Not measured:', '', ...result.skipped.map((s) => `- ${s.job ?? s.suite}: ${s.reason}`), '');
  }
  return out.join('\n');
}
