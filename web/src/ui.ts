/** Small shared pieces of the pages: headings, status messages, tables, polling. */
import { type Child, h } from './h.js';
import { L } from './i18n.js';

export const title = (text: string, ...rest: Child[]) => h('h1', { tabindex: '-1', class: 'page-title' }, text, rest);

/** A message read out by screen readers when it appears. */
export const notice = (kind: 'info' | 'error' | 'ok', text: string) =>
  h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);

export function table(caption: string, head: string[], rows: Child[][], opts: { numeric?: number[] } = {}) {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      null,
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((c, i) => h('th', { scope: 'col', class: opts.numeric?.includes(i) ? 'num' : null }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.length
          ? rows.map((r) =>
              h(
                'tr',
                null,
                r.map((c, i) => h('td', { class: opts.numeric?.includes(i) ? 'num' : null }, c)),
              ),
            )
          : h('tr', null, h('td', { colspan: head.length }, L('Không có dữ liệu', 'No data'))),
      ),
    ),
  );
}

export const button = (label: string, onClick: (ev: Event) => void, attrs: Record<string, string> = {}) =>
  h('button', { type: 'button', ...attrs, onClick }, label);

/** Polls `tick` every `ms` until it returns true or the page is left; returns the stop function. */
export function poll(tick: () => Promise<boolean | undefined>, ms = 1000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    if (stopped) return;
    let done: boolean | undefined;
    try {
      done = await tick();
    } catch {
      done = false;
    }
    if (!stopped && !done) timer = setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** `07********35`: identity numbers are never shown in full on screen, at most 4 digits of them. */
export const maskId = (id: string | undefined) =>
  id && id.length === 12 ? `${id.slice(0, 2)}********${id.slice(10)}` : (id ?? '');

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
