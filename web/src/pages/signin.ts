/**
 * Sign-in. Locally the development identity provider lists its demo users and issues a token for the one
 * picked. Deployed, the console is given its identity provider in `config.json` and sends the user there.
 */
import { h, mount } from '../h.js';
import { L, loc } from '../i18n.js';
import { finishSignIn, loadConfig, startSignIn } from '../oidc.js';
import { type RoleId, roleLabel, signIn } from '../session.js';
import { errorText, notice, title } from '../ui.js';

interface DemoUser {
  username: string;
  displayName: string;
  role: RoleId;
  jurisdiction?: string;
}

export async function signInPage(root: HTMLElement, onSignedIn: () => void): Promise<void> {
  const message = h('div');
  mount(root, title(L('Đăng nhập', 'Sign in')), message);
  let users: DemoUser[] = [];
  try {
    const res = await fetch('/local/oidc/users');
    if (res.ok) users = ((await res.json()) as { users: DemoUser[] }).users;
  } catch {
    // not the local runtime
  }
  if (!users.length) {
    const cfg = await loadConfig();
    try {
      const token = await finishSignIn(cfg);
      if (token) {
        signIn(token);
        return onSignedIn();
      }
    } catch (err) {
      mount(message, notice('error', errorText(err)));
      return;
    }
    if (!cfg) {
      mount(message, notice('error', L('Chưa cấu hình cổng định danh.', 'No identity provider is configured.')));
      return;
    }
    mount(
      message,
      notice('info', L('Đăng nhập bằng tài khoản của cơ quan.', 'Sign in with your organisation account.')),
      h(
        'button',
        {
          type: 'button',
          id: 'signin',
          onClick: () => void startSignIn(cfg).catch((e) => mount(message, notice('error', errorText(e)))),
        },
        L('Đăng nhập', 'Sign in'),
      ),
    );
    return;
  }
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const picked = (document.querySelector('input[name=user]:checked') as HTMLInputElement | null)?.value;
    if (!picked) return mount(message, notice('error', L('Hãy chọn một người dùng.', 'Pick a user.')));
    try {
      const res = await fetch(`/local/oidc/token?user=${encodeURIComponent(picked)}`);
      if (!res.ok) throw new Error(L('Không lấy được token.', 'Could not get a token.'));
      signIn(((await res.json()) as { access_token: string }).access_token);
      onSignedIn();
    } catch (err) {
      mount(message, notice('error', errorText(err)));
    }
  };
  mount(
    root,
    title(L('Đăng nhập', 'Sign in')),
    notice('info', L('Môi trường thử nghiệm: chọn một người dùng mẫu.', 'Local environment: pick a demo user.')),
    h(
      'form',
      { onSubmit: submit, id: 'signin-form' },
      h(
        'fieldset',
        null,
        h('legend', null, L('Người dùng mẫu', 'Demo users')),
        users.map((u, i) =>
          h(
            'div',
            { class: 'radio' },
            h('input', {
              type: 'radio',
              name: 'user',
              id: `user-${u.username}`,
              value: u.username,
              ...(i === 0 ? { checked: true } : {}),
            }),
            h(
              'label',
              { for: `user-${u.username}` },
              h('strong', null, u.displayName),
              ` — ${loc(roleLabel(u.role))}`,
              h('span', { class: 'meta' }, ` (${u.username})`),
            ),
          ),
        ),
      ),
      h('button', { type: 'submit', id: 'signin' }, L('Đăng nhập', 'Sign in')),
    ),
    message,
  );
}
