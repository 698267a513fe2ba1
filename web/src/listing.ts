/**
 * The console's lists of lists, cycles and statements: a filter form and a table over one of the API's list
 * routes (newest first), a page at a time with "Show more" following the API's cursor. Officers see their
 * jurisdiction; an auditor names the jurisdiction to look at (province 2 digits or commune 5 digits).
 */
import provincesJson from '../../functions/population/data/provinces-2025.json' with { type: 'json' };
import { api } from './api.js';
import { type Child, h, mount } from './h.js';
import { L } from './i18n.js';
import type { Session } from './session.js';
import { button, errorText, notice, table } from './ui.js';

export interface Filter<T = unknown> {
  name: string;
  label: string;
  /** A select of these values (`''` = all), or a month input. */
  options?: [value: string, label: string][];
  month?: boolean;
  checkbox?: boolean;
  /** Applied in the page to the rows loaded (a value the API does not filter on, e.g. a case's age). */
  local?: (item: T, value: string) => boolean;
}

export interface PagedListSpec<T> {
  /** Prefix of the element ids (`<id>-filters`, `<id>-table`, `<id>-more`). */
  id: string;
  path: string;
  caption: string;
  head: string[];
  numeric?: number[];
  row: (item: T) => Child[];
  filters: Filter<T>[];
}

interface Page<T> {
  jurisdiction: string;
  items: T[];
  nextCursor?: string;
}

const PAGE_SIZE = '20';

/** A section with the filters, the table and "Show more"; loads the first page at once (officers). */
export function pagedList<T>(s: Session, spec: PagedListSpec<T>): HTMLElement {
  const isAuditor = s.roles.includes('auditor');
  let items: T[] = [];
  let cursor: string | undefined;
  let query = new URLSearchParams();
  let locals: [Filter<T>, string][] = [];
  let shown = '';
  let error = '';
  const body = h('div', { id: `${spec.id}-body`, 'aria-live': 'polite' });

  const render = () =>
    mount(
      body,
      error && notice('error', error),
      !error && !shown && notice('info', L('Hãy nhập mã địa bàn để xem.', 'Enter a jurisdiction code to see it.')),
      shown &&
        h(
          'div',
          { id: `${spec.id}-table` },
          table(
            `${spec.caption} · ${L('địa bàn', 'jurisdiction')} ${shown}`,
            spec.head,
            items.filter((it) => locals.every(([f, v]) => f.local?.(it, v) ?? true)).map(spec.row),
            {
              numeric: spec.numeric,
            },
          ),
        ),
      cursor &&
        button(L('Xem thêm', 'Show more'), () => void load(true), { class: 'secondary', id: `${spec.id}-more` }),
    );

  async function load(more = false) {
    const q = new URLSearchParams(query);
    q.set('limit', PAGE_SIZE);
    if (more && cursor) q.set('cursor', cursor);
    try {
      const page = await api<Page<T>>('GET', `${spec.path}?${q}`);
      items = more ? [...items, ...page.items] : page.items;
      cursor = page.nextCursor;
      shown = page.jurisdiction;
      error = '';
    } catch (err) {
      error = errorText(err);
    }
    render();
  }

  const form = h(
    'form',
    {
      id: `${spec.id}-filters`,
      class: 'filters-form',
      onSubmit: (ev: Event) => {
        ev.preventDefault();
        const data = new FormData(ev.target as HTMLFormElement);
        query = new URLSearchParams();
        locals = [];
        for (const [k, v] of data) {
          if (typeof v !== 'string' || !v.trim()) continue;
          const local = spec.filters.find((f) => f.name === k && f.local);
          if (local) locals.push([local, v.trim()]);
          else query.set(k, v.trim());
        }
        cursor = undefined;
        void load();
      },
    },
    isAuditor &&
      field(`${spec.id}-jurisdiction`, L('Mã địa bàn', 'Jurisdiction code'), [
        h('input', {
          id: `${spec.id}-jurisdiction`,
          name: 'jurisdiction',
          type: 'text',
          inputmode: 'numeric',
          pattern: '\\d{2}|\\d{5}',
          required: true,
          value: s.jurisdiction ?? '',
          list: `${spec.id}-provinces`,
          'aria-describedby': `${spec.id}-jurisdiction-help`,
        }),
        // The 34 provinces by name as suggestions; a commune's 5-digit code is typed.
        h(
          'datalist',
          { id: `${spec.id}-provinces` },
          provincesJson.provinces.map((p) => h('option', { value: p.code, label: `${p.code} · ${p.name}` })),
        ),
        h(
          'span',
          { id: `${spec.id}-jurisdiction-help`, class: 'help' },
          L('Tỉnh: 2 chữ số (vd. 79); xã: 5 chữ số', 'Province: 2 digits (e.g. 79); commune: 5 digits'),
        ),
      ]),
    spec.filters.map((f) => {
      const id = `${spec.id}-${f.name}`;
      if (f.checkbox) {
        return h(
          'div',
          { class: 'check' },
          h('input', { type: 'checkbox', id, name: f.name, value: 'true' }),
          h('label', { for: id }, f.label),
        );
      }
      const input = f.options
        ? h(
            'select',
            { id, name: f.name },
            f.options.map(([value, label]) => h('option', { value }, label)),
          )
        : h('input', { id, name: f.name, type: f.month ? 'month' : 'text' });
      return field(id, f.label, [input]);
    }),
    h('button', { type: 'submit', class: 'secondary' }, L('Xem', 'Show')),
  );

  render();
  if (!isAuditor || s.jurisdiction) void load();
  return h('div', { class: 'paged-list' }, form, body);
}

const field = (id: string, label: string, inputs: Child[]) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), inputs);

/** The status options of a filter, from a status → label table (`''` = every status). */
export const statusOptions = (labels: Record<string, { vi: string; en: string }>): [string, string][] => [
  ['', L('Tất cả', 'All')],
  ...Object.entries(labels).map(([k, v]) => [k, L(v.vi, v.en)] as [string, string]),
];
