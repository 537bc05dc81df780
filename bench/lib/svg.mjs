// A small, dependency-free SVG bar chart of a results document: protected routes as a share of
// their framework's bare route (with min–max whiskers and the targets), and login throughput
// with the event-loop delay beside it. docs/performance.md shows it.
import { writeFileSync } from 'node:fs';

const COLORS = { gatehouse: '#2563eb', peer: '#9ca3af', reference: '#d1d5db', target: '#dc2626', axis: '#374151', grid: '#e5e7eb' };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** @param {string} text */
function esc(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * @typedef {object} Bar
 * @property {string} label
 * @property {number} value
 * @property {number} [min]
 * @property {number} [max]
 * @property {'gatehouse' | 'peer' | 'reference'} kind
 * @property {string} text Printed at the end of the bar.
 * @property {number} [goal] A target mark on this bar's row.
 */

/**
 * One panel of horizontal bars; returns its SVG and height.
 *
 * @param {{ title: string, bars: Bar[], scaleMax: number, y: number, width: number, reference?: { value: number, label: string }, groups?: string[] }} panel
 */
function panel({ title, bars, scaleMax, y, width, reference, groups }) {
  const labelWidth = 270;
  const barArea = width - labelWidth - 180;
  const rowHeight = 22;
  const x = (/** @type {number} */ v) => labelWidth + (Math.max(0, v) / scaleMax) * barArea;
  const parts = [`<text x="16" y="${y + 18}" ${FONT} font-size="15" font-weight="600" fill="${COLORS.axis}">${esc(title)}</text>`];
  let row = y + (reference ? 46 : 34);
  const top = row;
  let previousGroup = '';
  for (const [index, bar] of bars.entries()) {
    const group = groups?.[index] ?? '';
    if (group && group !== previousGroup) {
      if (previousGroup) row += 6;
      parts.push(`<text x="16" y="${row + 14}" ${FONT} font-size="12" font-weight="600" fill="${COLORS.axis}">${esc(group)}</text>`);
      row += rowHeight;
      previousGroup = group;
    }
    const color = COLORS[bar.kind];
    parts.push(`<text x="${labelWidth - 8}" y="${row + 14}" ${FONT} font-size="12" text-anchor="end" fill="${COLORS.axis}">${esc(bar.label)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${row + 3}" width="${Math.max(1, x(bar.value) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${color}" rx="2"/>`);
    if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
      const cy = row + rowHeight / 2;
      parts.push(`<path d="M${x(bar.min).toFixed(1)} ${cy}H${x(bar.max).toFixed(1)}M${x(bar.min).toFixed(1)} ${cy - 4}V${cy + 4}M${x(bar.max).toFixed(1)} ${cy - 4}V${cy + 4}" stroke="${COLORS.axis}" stroke-width="1.2" fill="none"/>`);
    }
    if (bar.goal !== undefined) {
      parts.push(`<path d="M${x(bar.goal).toFixed(1)} ${row + 1}V${row + rowHeight - 1}" stroke="${COLORS.target}" stroke-width="2"/>`);
    }
    const end = Math.max(x(bar.value), bar.max !== undefined ? x(bar.max) : 0, bar.goal !== undefined ? x(bar.goal) : 0);
    parts.push(`<text x="${(end + 6).toFixed(1)}" y="${row + 15}" ${FONT} font-size="12" fill="${COLORS.axis}">${esc(bar.text)}</text>`);
    row += rowHeight;
  }
  if (reference) {
    parts.unshift(
      `<path d="M${x(reference.value).toFixed(1)} ${top - 4}V${row}" stroke="${COLORS.axis}" stroke-dasharray="4 3" stroke-width="1"/>`,
      `<text x="${x(reference.value).toFixed(1)}" y="${top - 8}" ${FONT} font-size="11" text-anchor="middle" fill="${COLORS.axis}">${esc(reference.label)}</text>`,
    );
  }
  return { svg: parts.join('\n'), height: row - y + 10 };
}

/**
 * @param {Record<string, any>} results
 * @returns {string}
 */
export function renderChart(results) {
  const width = 900;
  /** @type {Bar[]} */
  const ratioBars = [];
  /** @type {string[]} */
  const ratioGroups = [];
  const goals = /** @type {Record<string, number>} */ ({ 'hono/stateless': 0.9, 'fastify/stateless': 0.9, 'express/stateless': 0.95, 'hono/sqlite': 0.7, 'fastify/sqlite': 0.7, 'express/sqlite': 0.7 });
  for (const h of results.http) {
    if (h.kind === 'bare' || !h.ratio) continue;
    ratioGroups.push(`${h.framework[0].toUpperCase()}${h.framework.slice(1)} (bare route ${Math.round(results.http.find((/** @type {any} */ b) => b.framework === h.framework && b.kind === 'bare')?.rps.median ?? 0).toLocaleString('en-US')} req/s)`);
    ratioBars.push({
      label: `${h.name}${h.mode ? ` (${h.mode})` : ''}`,
      value: h.ratio.median,
      min: h.ratio.min,
      max: h.ratio.max,
      kind: h.kind,
      text: `${h.ratio.median.toFixed(2)}  (${Math.round(h.rps.median).toLocaleString('en-US')} req/s)`,
      goal: h.kind === 'gatehouse' ? goals[`${h.framework}/${h.mode}`] : undefined,
    });
  }
  const first = panel({
    title: 'Protected route as a share of the same framework’s bare route (median, min–max; red: target)',
    bars: ratioBars,
    groups: ratioGroups,
    scaleMax: Math.max(1.1, ...ratioBars.map((b) => b.max ?? b.value)),
    y: 10,
    width,
    reference: { value: 1, label: 'bare route = 1.00' },
  });
  /** @type {Bar[]} */
  const stormBars = results.storms
    .filter((/** @type {any} */ s) => !s.invalid)
    .map((/** @type {any} */ s) => ({
      label: `${s.name}${s.id.endsWith('argon2') ? ' (argon2)' : s.id.endsWith('scrypt') ? ' (scrypt)' : ''}`,
      value: s.rps.median,
      min: s.rps.min,
      max: s.rps.max,
      kind: s.kind,
      text: `${s.rps.median.toFixed(1)}/s · event-loop p99 ${s.eventLoopP99Ms.median.toFixed(1)} ms`,
    }));
  const rawVerify = results.micro.passwords?.opsPerSecond?.['argon2-verify'];
  if (rawVerify) {
    const sorted = [...rawVerify].sort((a, b) => a - b);
    stormBars.push({ label: 'raw @node-rs/argon2 verify (in process)', value: sorted[sorted.length >> 1], min: sorted[0], max: sorted[sorted.length - 1], kind: 'reference', text: `${sorted[sorted.length >> 1].toFixed(1)}/s` });
  }
  const second = stormBars.length
    ? panel({
        title: 'Sign-in throughput under a login storm (logins/s; argon2id m=19456 t=2 p=1 unless noted)',
        bars: stormBars,
        scaleMax: Math.max(...stormBars.map((b) => b.max ?? b.value)) * 1.05,
        y: 10 + first.height + 10,
        width,
      })
    : { svg: '', height: 0 };
  const footerY = 10 + first.height + 10 + second.height + 8;
  const m = results.machine;
  const footer = `<text x="16" y="${footerY}" ${FONT} font-size="11" fill="#6b7280">${esc(`${results.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · ${results.settings.rounds} rounds × ${results.settings.duration} s, ${results.settings.connections} connections · blue: Gatehouse, grey: peers and baselines`)}</text>`;
  const height = footerY + 12;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Gatehouse benchmark results">
<rect width="100%" height="100%" fill="#ffffff"/>
${first.svg}
${second.svg}
${footer}
</svg>
`;
}

/**
 * @param {Record<string, any>} results
 * @param {string} file
 */
export function writeChart(results, file) {
  writeFileSync(file, renderChart(results));
}
