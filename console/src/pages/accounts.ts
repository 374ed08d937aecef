import type { Api } from '../api.js';
import type { PageContext } from '../context.js';
import { field, formatDateTime, h, replaceChildren, textInput } from '../dom.js';
import { actionButton, messageArea, onSubmit, removeButton, showError, showInfo } from '../forms.js';
import type { AccountStatus, LinkedAccount, Mailbox } from '../model.js';
import { texts } from '../texts.js';

/**
 * The user's linked Google account and mailboxes (docs/behaviour.md#linking, docs/behaviour.md#removing-an-account, docs/behaviour.md#mailbox-linking). Linking asks the API
 * for Google's authorization URL by a same-origin request, whose answer also sets the browser
 * binding cookie that `oauthCallback` checks (docs/behaviour.md#oauth-callback), then goes to Google; Google's consent comes
 * back to this page through `oauthCallback` with the outcome in the query.
 */

const t = texts.accounts;

export function statusBadge(status: AccountStatus): HTMLElement {
  const active = status === 'active';
  return h(
    'span',
    { class: active ? 'badge badge-ok' : 'badge badge-warn' },
    active ? texts.status.active : texts.status.reauthRequired,
  );
}

async function goToGoogle(
  area: HTMLElement,
  ask: () => Promise<{ authorizationUrl: string }>,
): Promise<void> {
  const { authorizationUrl } = await ask();
  showInfo(area, t.redirecting);
  window.location.assign(authorizationUrl);
}

function googleSection(api: Api, accounts: LinkedAccount[], reload: () => void): HTMLElement {
  const area = messageArea();
  const startLinking = () =>
    goToGoogle(area, () => api.call<{ authorizationUrl: string }>('POST', '/api/me/accounts/google'));
  const account = accounts[0];
  if (!account) {
    return h(
      'section',
      { 'aria-labelledby': 'google-heading', class: 'card' },
      h('h2', { id: 'google-heading' }, t.googleHeading),
      h('p', {}, t.noGoogle),
      area,
      actionButton(t.link, area, startLinking, { class: 'primary' }),
    );
  }
  const capabilities = (['contacts', 'calendar'] as const)
    .filter((capability) => account.capabilities[capability])
    .map((capability) => t.capability[capability]);
  return h(
    'section',
    { 'aria-labelledby': 'google-heading', class: 'card' },
    h('h2', { id: 'google-heading' }, t.googleHeading),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t.email),
      h('dd', {}, account.email),
      h('dt', {}, t.status),
      h('dd', {}, statusBadge(account.status)),
      h('dt', {}, t.capabilities),
      h('dd', {}, capabilities.join(', ') || texts.none),
      account.missing.length ? h('dt', {}, t.missing) : null,
      account.missing.length ? h('dd', {}, account.missing.join(', ')) : null,
      h('dt', {}, t.linkedAt),
      h('dd', {}, formatDateTime(account.linkedAt, texts.never)),
    ),
    account.status === 'reauthRequired' ? h('p', { class: 'warn' }, t.reauthHint) : null,
    area,
    h(
      'div',
      { class: 'actions' },
      actionButton(
        account.status === 'active' && !account.missing.length ? t.link : t.reconnect,
        area,
        startLinking,
        {
          class: account.status === 'active' ? '' : 'primary',
        },
      ),
      removeButton(t.removeGoogle(account.email), t.confirmRemove(account.email), area, async () => {
        await api.call('DELETE', `/api/me/accounts/${encodeURIComponent(account.id)}`);
        reload();
      }),
    ),
  );
}

function mailboxRow(api: Api, mailbox: Mailbox, area: HTMLElement, reload: () => void): HTMLElement {
  const reconnect = () =>
    goToGoogle(area, () =>
      api.call<{ authorizationUrl: string }>('POST', '/api/me/mailboxes', {
        providerId: mailbox.providerId,
        email: mailbox.email,
      }),
    );
  return h(
    'li',
    { class: 'row' },
    h('span', { class: 'row-main' }, mailbox.email, ' ', statusBadge(mailbox.status)),
    h('span', { class: 'hint' }, `${t.linkedAt}: ${formatDateTime(mailbox.linkedAt, texts.never)}`),
    h(
      'span',
      { class: 'actions' },
      mailbox.status === 'reauthRequired'
        ? actionButton(t.reconnect, area, reconnect, { class: 'primary' })
        : null,
      removeButton(t.removeMailbox(mailbox.email), t.confirmRemoveMailbox(mailbox.email), area, async () => {
        await api.call('DELETE', `/api/me/mailboxes/${encodeURIComponent(mailbox.id)}`);
        reload();
      }),
    ),
  );
}

function mailboxSection(api: Api, mailboxes: Mailbox[] | Error, reload: () => void): HTMLElement {
  const area = messageArea();
  const address = field(
    t.mailboxAddress,
    textInput('email', '', 'email', { autocomplete: 'email', required: true }),
  );
  const form = h(
    'form',
    { novalidate: true },
    address.wrapper,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t.linkMailbox)),
  );
  onSubmit(form, area, async () => {
    await goToGoogle(area, () =>
      api.call<{ authorizationUrl: string }>('POST', '/api/me/mailboxes', {
        providerId: 'gmail',
        email: address.input.value.trim(),
      }),
    );
    return undefined;
  });
  const list =
    mailboxes instanceof Error
      ? null
      : mailboxes.length
        ? h('ul', { class: 'rows' }, ...mailboxes.map((mailbox) => mailboxRow(api, mailbox, area, reload)))
        : h('p', {}, t.noMailboxes);
  if (mailboxes instanceof Error) showError(area, mailboxes);
  return h(
    'section',
    { 'aria-labelledby': 'mailboxes-heading', class: 'card' },
    h('h2', { id: 'mailboxes-heading' }, t.mailboxesHeading),
    list,
    form,
    area,
  );
}

export async function accountsPage(context: PageContext): Promise<HTMLElement> {
  const { api } = context;
  const page = h('div', {});
  const notice = messageArea();
  if (context.notice) {
    if (context.notice.error) showError(notice, new Error(context.notice.text));
    else showInfo(notice, context.notice.text);
  }
  const load = async () => {
    const [accounts, mailboxes] = await Promise.all([
      api.all<LinkedAccount>('/api/me/accounts'),
      api.all<Mailbox>('/api/me/mailboxes').catch((error: Error) => error),
    ]);
    const reload = () => void load().catch((error) => showError(notice, error));
    replaceChildren(
      page,
      h('h1', {}, t.title),
      notice,
      googleSection(api, accounts, reload),
      mailboxSection(api, mailboxes, reload),
    );
  };
  await load();
  return page;
}
