import type { ListPage } from '../api.js';
import type { PageContext } from '../context.js';
import { field, formatDateTime, h, replaceChildren, select, textInput } from '../dom.js';
import { messageArea, onSubmit, showError } from '../forms.js';
import type { Contact, Email, Mailbox } from '../model.js';
import { texts } from '../texts.js';

/**
 * A contact's emails (docs/behaviour.md#mail, `GET /api/emails?contactId=`), newest first, and writing one through
 * one of the user's own mailboxes (`POST /api/emails`).
 */

const t = texts.mail;

function emailItem(email: Email): HTMLElement {
  const to = email.to.map((party) => party.name ?? party.address).join(', ');
  return h(
    'li',
    { class: 'card' },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('strong', {}, email.subject || texts.none),
        ` — ${email.direction === 'outgoing' ? t.outgoing : t.incoming} ${formatDateTime(email.sentAt, '')}`,
      ),
      h('p', { class: 'hint' }, `${t.from}: ${email.from.name ?? email.from.address} · ${t.to}: ${to}`),
      h('pre', { class: 'body' }, email.bodyText),
      email.bodyTruncated ? h('p', { class: 'hint' }, t.truncated) : null,
      email.attachments.length
        ? h(
            'p',
            { class: 'hint' },
            `${t.attachments(email.attachments.length)}: ${email.attachments.map((a) => a.filename).join(', ')}`,
          )
        : null,
    ),
  );
}

export async function mailPage({ api }: PageContext): Promise<HTMLElement> {
  const [contacts, mailboxes] = await Promise.all([
    api.get<ListPage<Contact>>('/api/contacts?pageSize=1000').then((page) => page.items),
    api.all<Mailbox>('/api/me/mailboxes').catch(() => [] as Mailbox[]),
  ]);
  const chooser = field(
    t.contact,
    select(
      'contactId',
      [
        { value: '', label: t.chooseContact },
        ...contacts.map((c) => ({ value: c.id, label: c.displayName })),
      ],
      '',
    ),
  );
  const list = h('ul', { class: 'emails' });
  const area = messageArea();
  const compose = h('section', { class: 'card', 'aria-labelledby': 'compose-heading' });

  const showCompose = (contact: Contact | undefined) => {
    if (!contact) return replaceChildren(compose);
    if (!mailboxes.length)
      return replaceChildren(compose, h('h2', { id: 'compose-heading' }, t.compose), h('p', {}, t.noMailbox));
    const from = field(
      t.mailbox,
      select(
        'mailboxId',
        mailboxes.map((m) => ({ value: m.id, label: m.email })),
        mailboxes[0]?.id ?? '',
      ),
    );
    const to = field(t.to, textInput('to', contact.emails[0]?.address ?? '', 'email'));
    const subject = field(t.subject, textInput('subject'));
    const text = field(t.text, h('textarea', { name: 'text', rows: 6 }));
    const formArea = messageArea();
    const form = h(
      'form',
      { novalidate: true },
      from.wrapper,
      to.wrapper,
      subject.wrapper,
      text.wrapper,
      formArea,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t.send)),
    );
    // One key per message typed, so a retried press does not send twice (docs/behaviour.md#sending-mail).
    let idempotencyKey = crypto.randomUUID();
    onSubmit(form, formArea, async () => {
      await api.call(
        'POST',
        '/api/emails',
        {
          mailboxId: from.input.value,
          to: [to.input.value.trim()],
          subject: subject.input.value,
          text: text.input.value,
        },
        { 'idempotency-key': idempotencyKey },
      );
      idempotencyKey = crypto.randomUUID();
      subject.input.value = '';
      text.input.value = '';
      await load();
      return t.sent;
    });
    replaceChildren(compose, h('h2', { id: 'compose-heading' }, t.compose), form);
  };

  const load = async () => {
    const contact = contacts.find((c) => c.id === chooser.input.value);
    if (!contact) return replaceChildren(list);
    const emails = await api.all<Email>(`/api/emails?contactId=${encodeURIComponent(contact.id)}`);
    emails.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    replaceChildren(list, ...(emails.length ? emails.map(emailItem) : [h('li', {}, t.empty)]));
  };
  chooser.input.addEventListener('change', () => {
    replaceChildren(area);
    showCompose(contacts.find((c) => c.id === chooser.input.value));
    load().catch((error) => showError(area, error));
  });
  return h(
    'div',
    {},
    h('h1', {}, t.title),
    h('section', { class: 'card', 'aria-label': t.title }, chooser.wrapper, area, list),
    compose,
  );
}
