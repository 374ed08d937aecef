import { field, h, textInput } from '../dom.js';
import { messageArea, showError } from '../forms.js';
import { type ConsoleConfig, type Session, signInErrorText } from '../session.js';
import { texts } from '../texts.js';

/**
 * Email and password sign-in (the names "Email", "Password" and "Sign in" are contract, docs/architecture.md#web-console),
 * creating an account, and Google sign-in where the deployment enabled it.
 */
export function signInPage(session: Session, config: ConsoleConfig): HTMLElement {
  const email = field(
    texts.signIn.email,
    textInput('email', '', 'email', { autocomplete: 'username', required: true }),
  );
  const password = field(
    texts.signIn.password,
    textInput('password', '', 'password', { autocomplete: 'current-password', required: true }),
  );
  const area = messageArea();
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      showError(area, new Error(signInErrorText(error)));
    }
  };
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    email.wrapper,
    password.wrapper,
    area,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, texts.signIn.submit)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run(() => session.signIn(email.input.value.trim(), password.input.value));
  });
  const create = h('button', { type: 'button' }, texts.signIn.createAccount);
  create.addEventListener(
    'click',
    () => void run(() => session.createAccount(email.input.value.trim(), password.input.value)),
  );
  form.querySelector('.actions')?.append(create);
  if (config.googleSignIn) {
    const google = h('button', { type: 'button' }, texts.signIn.withGoogle);
    google.addEventListener('click', () => void run(() => session.signInWithGoogle()));
    form.querySelector('.actions')?.append(google);
  }
  return h('main', { id: 'main' }, h('h1', {}, texts.signIn.title), form);
}
