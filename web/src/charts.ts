/** Plain SVG charts: horizontal bars and grouped columns. Each has a text alternative; the data is also shown as a table. */
import { svg } from './h.js';

const PALETTE = ['#0b5394', '#38761d', '#b45f06', '#990000', '#674ea7', '#45818e'];

export interface Bar {
  label: string;
  value: number;
  color?: string;
  /** Shown at the end of the bar (e.g. the formatted amount). */
  text?: string;
  onClick?: () => void;
}

export function barChart(title: string, bars: Bar[]): SVGElement {
  const rowH = 28;
  const labelW = 120;
  const valueW = 96;
  const width = 360;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${bars.length * rowH + 8}`,
    role: 'img',
    'aria-label': `${title}: ${bars.map((b) => `${b.label} ${b.text ?? b.value}`).join('; ')}`,
    class: 'chart',
  });
  root.appendChild(svg('title', {}, title));
  bars.forEach((b, i) => {
    const y = i * rowH + 4;
    const w = Math.max(2, ((width - labelW - valueW - 8) * b.value) / max);
    const g = svg('g', b.onClick ? { class: 'clickable' } : {});
    g.appendChild(
      svg(
        'text',
        { x: 0, y: y + 15, class: 'chart-label' },
        b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label,
      ),
    );
    g.appendChild(
      svg('rect', {
        x: labelW,
        y,
        width: w,
        height: rowH - 10,
        rx: 3,
        fill: b.color ?? PALETTE[i % PALETTE.length] ?? '#0b5394',
      }),
    );
    g.appendChild(svg('text', { x: labelW + w + 4, y: y + 15, class: 'chart-value' }, b.text ?? String(b.value)));
    if (b.onClick) g.addEventListener('click', b.onClick);
    root.appendChild(g);
  });
  return root;
}

export interface Group {
  label: string;
  values: number[];
}

/** Columns per group (e.g. per month: paid, settled), with a legend; `format` writes values in the text alternative. */
export function groupedColumns(
  title: string,
  series: string[],
  groups: Group[],
  format: (v: number) => string = String,
): SVGElement {
  const width = 340;
  const height = 180;
  const base = 150;
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const groupW = (width - 10) / Math.max(1, groups.length);
  const colW = Math.max(4, Math.min(24, (groupW - 10) / Math.max(1, series.length)));
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height + 2 + 18 * series.length}`,
    role: 'img',
    'aria-label': `${title}: ${groups.map((g) => `${g.label} ${series.map((s, i) => `${s} ${format(g.values[i] ?? 0)}`).join(', ')}`).join('; ')}`,
    class: 'chart',
  });
  root.appendChild(svg('title', {}, title));
  groups.forEach((g, gi) => {
    const x0 = 5 + gi * groupW + (groupW - colW * series.length) / 2;
    g.values.forEach((v, si) => {
      const hgt = ((base - 10) * v) / max;
      root.appendChild(
        svg('rect', {
          x: x0 + si * colW,
          y: base - hgt,
          width: colW - 2,
          height: Math.max(hgt, 1),
          fill: PALETTE[si % PALETTE.length] ?? '#000',
        }),
      );
    });
    root.appendChild(
      svg(
        'text',
        { x: 5 + gi * groupW + groupW / 2, y: base + 16, 'text-anchor': 'middle', class: 'chart-label' },
        g.label,
      ),
    );
  });
  // One legend entry a line: series names are long in Vietnamese and would overlap side by side.
  series.forEach((s, si) => {
    root.appendChild(
      svg('rect', {
        x: 5,
        y: height + 4 + si * 18,
        width: 12,
        height: 12,
        fill: PALETTE[si % PALETTE.length] ?? '#000',
      }),
    );
    root.appendChild(svg('text', { x: 22, y: height + 14 + si * 18, class: 'chart-label' }, s));
  });
  return root;
}

export const SEVERITY_COLORS = ['#38761d', '#45818e', '#b45f06', '#cc4125', '#990000'];

export interface Segment {
  value: number;
  color: string;
  /** What the segment is (e.g. the outcome), for its tooltip. */
  label: string;
  onClick?: () => void;
}

export interface StackedRow {
  label: string;
  segments: Segment[];
  /** Shown at the end of the bar (e.g. the row's total amount). */
  text: string;
}

/**
 * One horizontal bar per row, split into coloured segments (e.g. a category's VND by outcome severity), on a
 * common scale, with a legend. The text alternative reads every row and segment; pages also show the table.
 */
export function stackedBars(
  title: string,
  rows: StackedRow[],
  legend: { label: string; color: string }[],
  format: (v: number) => string = String,
): SVGElement {
  const rowH = 28;
  const labelW = 120;
  const valueW = 96;
  const width = 360;
  const legendH = 18 * Math.ceil(legend.length / 2);
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0)));
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${rows.length * rowH + 8 + legendH}`,
    role: 'img',
    'aria-label': `${title}: ${rows
      .map((r) => `${r.label} ${r.text} (${r.segments.map((x) => `${x.label} ${format(x.value)}`).join(', ')})`)
      .join('; ')}`,
    class: 'chart',
  });
  root.appendChild(svg('title', {}, title));
  const span = width - labelW - valueW - 8;
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const g = svg('g', {});
    g.appendChild(
      svg(
        'text',
        { x: 0, y: y + 15, class: 'chart-label' },
        svg('title', {}, r.label),
        r.label.length > 20 ? `${r.label.slice(0, 19)}…` : r.label,
      ),
    );
    let x = labelW;
    for (const seg of r.segments) {
      if (seg.value <= 0) continue;
      const w = Math.max(2, (span * seg.value) / max);
      const rect = svg(
        'rect',
        { x, y, width: w, height: rowH - 10, fill: seg.color, stroke: '#fff', 'stroke-width': 1 },
        svg('title', {}, `${r.label} · ${seg.label}: ${format(seg.value)}`),
      );
      if (seg.onClick) {
        rect.setAttribute('class', 'clickable');
        rect.addEventListener('click', seg.onClick);
      }
      g.appendChild(rect);
      x += w;
    }
    g.appendChild(svg('text', { x: x + 4, y: y + 15, class: 'chart-value' }, r.text));
    root.appendChild(g);
  });
  legend.forEach((l, i) => {
    const lx = 5 + (i % 2) * 180;
    const ly = rows.length * rowH + 8 + Math.floor(i / 2) * 18;
    root.appendChild(svg('rect', { x: lx, y: ly, width: 12, height: 12, fill: l.color }));
    root.appendChild(svg('text', { x: lx + 17, y: ly + 10, class: 'chart-label' }, l.label));
  });
  return root;
}
