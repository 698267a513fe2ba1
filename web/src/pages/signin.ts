/**
 * Sign-in: the console sends the user to its OpenID Connect provider (config.json) and finishes the sign-in
 * when the provider sends them back. Locally the provider is the development one, whose page lists the demo
 * users; deployed, it is the organisation's.
 */
import { h, mount } from '../h.js';
import { L, loc } from '../i18n.js';
import { finishSignIn, loadConfig, SignInError, startSignIn } from '../oidc.js';
import { signIn } from '../session.js';
import { errorText, notice, title } from '../ui.js';

type Text = { vi: string; en: string };

/** The last failure, kept so that switching the language shows it again, in the other language. */
let failure: Text | undefined;

const asText = (err: unknown): Text =>
  err instanceof SignInError ? err.text : { vi: errorText(err), en: errorText(err) };

export async function signInPage(
  root: HTMLElement,
  onSignedIn: (returnTo: string) => void,
  info?: Text,
): Promise<void> {
  const message = h('div');
  mount(root, title(L('Đăng nhập', 'Sign in')), message);
  const cfg = await loadConfig();
  try {
    const done = await finishSignIn(cfg);
    if (done) {
      failure = undefined;
      signIn(done.token);
      return onSignedIn(done.returnTo);
    }
  } catch (err) {
    failure = asText(err);
  }
  if (!cfg) {
    mount(message, notice('error', L('Chưa cấu hình cổng định danh.', 'No identity provider is configured.')));
    return;
  }
  mount(
    message,
    failure ? notice('error', loc(failure)) : info && notice('info', loc(info)),
    h(
      'p',
      null,
      L(
        'Bạn sẽ được chuyển đến trang đăng nhập của cổng định danh, rồi quay lại đây.',
        'You will be taken to the identity provider’s sign-in page, then back here.',
      ),
    ),
    h(
      'button',
      {
        type: 'button',
        id: 'signin',
        onClick: () => {
          failure = undefined;
          startSignIn(cfg, location.hash).catch((err) => mount(message, notice('error', loc(asText(err)))));
        },
      },
      L('Đăng nhập', 'Sign in'),
    ),
  );
}
