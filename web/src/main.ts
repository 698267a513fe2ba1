/**
 * The ansinh console: one page, hash routes (`#/lists`, `#/cycles/<id>`…), so it is served as plain static
 * files locally and from S3/CloudFront. Each route names the roles that may open it; the navigation shows a
 * user only their own routes, and opening another role's route shows a refusal, never the page or its actions.
 */
import { h, mount } from './h.js';
import { currentLang, L, loc, setLang } from './i18n.js';
import { mePage } from './pages/beneficiary.js';
import { casePage, casesPage } from './pages/cases.js';
import { cyclePage, cyclesPage } from './pages/finance.js';
import { listPage, listsPage } from './pages/labor.js';
import { reconciliationPage, statementPage, statementsPage } from './pages/reconciliation.js';
import { signInPage } from './pages/signin.js';
import { tracePage } from './pages/trace.js';
import { currentSession, hasRole, msUntilExpiry, type RoleId, roleLabel, type Session, signOut } from './session.js';
import { notice, title } from './ui.js';

type Render = (root: HTMLElement, s: Session, param: string) => void | (() => void) | Promise<void>;

interface Route {
  path: string;
  roles: RoleId[];
  nav?: { vi: string; en: string };
  render: Render;
}

const FINANCE: RoleId[] = ['finance_preparer', 'finance_approver', 'auditor'];

export const ROUTES: Route[] = [
  {
    path: 'lists',
    roles: ['labor_officer'],
    nav: { vi: 'Danh sách người hưởng', en: 'Beneficiary lists' },
    render: (r, s, id) => (id ? listPage(r, s, id) : listsPage(r, s)),
  },
  {
    path: 'cycles',
    roles: FINANCE,
    nav: { vi: 'Kỳ chi trả', en: 'Payment cycles' },
    render: (r, s, id) => (id ? cyclePage(r, s, id) : cyclesPage(r, s)),
  },
  {
    path: 'statements',
    roles: FINANCE,
    nav: { vi: 'Sao kê & đối soát', en: 'Statements' },
    render: (r, s, id) => (id ? statementPage(r, s, id) : statementsPage(r, s)),
  },
  { path: 'reconciliation', roles: FINANCE, render: (r, s, id) => reconciliationPage(r, s, id) },
  {
    path: 'cases',
    roles: ['labor_officer', 'auditor'],
    nav: { vi: 'Hồ sơ cần xử lý', en: 'Cases' },
    render: (r, s, id) => (id ? casePage(r, s, id) : casesPage(r, s)),
  },
  // One payment's timeline, linked from its case, statement line or reconciliation row.
  { path: 'trace', roles: ['labor_officer', 'auditor'], render: (r, s, id) => tracePage(r, s, id) },
  {
    path: 'me',
    roles: ['beneficiary'],
    nav: { vi: 'Tiền trợ cấp của tôi', en: 'My allowance' },
    render: (r, s) => mePage(r, s),
  },
];

const home = (s: Session) => ROUTES.find((r) => r.nav && hasRole(s, ...r.roles))?.path ?? 'signin';

let cleanup: (() => void) | undefined;
/** Fires when the session's token expires: the page gives way to the sign-in page. */
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let expired = false;

function layout(s: Session | undefined, active: string): HTMLElement {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const other = currentLang() === 'vi' ? 'en' : 'vi';
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: s ? `#/${home(s)}` : '#/signin' }, 'ansinh'),
    s &&
      h(
        'nav',
        { 'aria-label': L('Chức năng', 'Sections') },
        h(
          'ul',
          null,
          ROUTES.filter((r) => r.nav && hasRole(s, ...r.roles)).map((r) =>
            h(
              'li',
              null,
              h('a', { href: `#/${r.path}`, 'aria-current': r.path === active ? 'page' : null }, loc(r.nav)),
            ),
          ),
        ),
      ),
    h(
      'div',
      { class: 'user' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          id: 'lang-switch',
          lang: other,
          onClick: () => {
            setLang(other);
            route();
          },
        },
        other === 'en' ? 'English' : 'Tiếng Việt',
      ),
      s && h('span', { id: 'who' }, `${s.name} · ${s.roles.map((r) => loc(roleLabel(r))).join(', ')}`),
      s &&
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            id: 'signout',
            onClick: () => {
              signOut();
              expired = false;
              location.hash = '#/signin';
            },
          },
          L('Đăng xuất', 'Sign out'),
        ),
    ),
  );
  const app = document.getElementById('app') as HTMLElement;
  mount(
    app,
    h(
      'a',
      {
        class: 'skip',
        href: '#main',
        onClick: (e: Event) => {
          e.preventDefault();
          main.focus();
        },
      },
      L('Bỏ qua, đến nội dung', 'Skip to content'),
    ),
    header,
    main,
  );
  return main;
}

function route(): void {
  cleanup?.();
  cleanup = undefined;
  clearTimeout(expiryTimer);
  const [path = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const param = decodeURIComponent(rest.join('/'));
  const s = currentSession();
  if (!s || path === 'signin') {
    if (s && path === 'signin') {
      location.hash = `#/${home(s)}`;
      return;
    }
    const main = layout(undefined, 'signin');
    document.title = `${L('Đăng nhập', 'Sign in')} · ansinh`;
    const info = expired
      ? { vi: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.', en: 'Your session has expired. Please sign in again.' }
      : undefined;
    void signInPage(
      main,
      (returnTo) => {
        expired = false;
        const next = currentSession();
        const target = /^#\/(?!signin)\w/.test(returnTo) ? returnTo : next ? `#/${home(next)}` : '#/signin';
        if (location.hash === target) route();
        else location.hash = target;
      },
      info,
    );
    return;
  }
  expiryTimer = setTimeout(
    () => {
      signOut();
      expired = true;
      route();
    },
    Math.min(msUntilExpiry(s), 2 ** 31 - 1),
  );
  const r = ROUTES.find((x) => x.path === path);
  if (!r) {
    location.hash = `#/${home(s)}`;
    return;
  }
  const main = layout(s, r.path);
  document.title = `${loc(r.nav) || r.path} · ansinh`;
  if (!hasRole(s, ...r.roles)) {
    mount(
      main,
      title(L('Không có quyền truy cập', 'Access denied')),
      notice('error', L('Trang này không dành cho vai trò của bạn.', 'This page is not for your role.')),
      h('p', null, h('a', { href: `#/${home(s)}`, id: 'go-home' }, L('Về trang của bạn', 'Go to your page'))),
    );
    main.setAttribute('data-denied', 'true');
    return;
  }
  const out = r.render(main, s, param);
  if (typeof out === 'function') cleanup = out;
  (main.querySelector('h1') as HTMLElement | null)?.focus();
}

window.addEventListener('hashchange', route);
route();
