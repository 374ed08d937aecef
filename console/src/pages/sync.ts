import type { Api } from '../api.js';
import type { PageContext } from '../context.js';
import { checkbox, field, formatDateTime, h, replaceChildren, select, textInput } from '../dom.js';
import { actionButton, messageArea, onSubmit, showInfo } from '../forms.js';
import {
  type LinkedAccount,
  type Mailbox,
  PERIOD_MINUTES,
  type SyncRun,
  type SyncSettings,
  type Tag,
} from '../model.js';
import { runDetails, runSummary } from '../runView.js';
import { texts } from '../texts.js';

/**
 * Sync settings per kind (docs/behaviour.md#sync-settings, docs/behaviour.md#mail-import) with one "Save" for the whole page, and "Run sync now"
 * with live progress: the run that `syncNow` queued is polled until it finishes.
 */

const t = texts.sync;
const POLL_MS = 1000;

const periodSelect = (name: string, value: number) =>
  select(
    name,
    PERIOD_MINUTES.map((minutes) => ({ value: String(minutes), label: t.periodOption(minutes) })),
    String(value),
  );

const lastSyncText = (iso: string | null | undefined) => `${t.lastSync}: ${formatDateTime(iso, texts.never)}`;

function lastSyncLine(iso: string | null | undefined): HTMLElement {
  return h('p', { class: 'hint' }, lastSyncText(iso));
}

function tagPicker(api: Api, tags: Tag[], tagId: string | null) {
  const personal = tags.filter((tag) => tag.type === 'personal');
  const picker = select(
    'contacts.tagId',
    [{ value: '', label: t.noTag }, ...personal.map((tag) => ({ value: tag.id, label: tag.name }))],
    tagId ?? '',
  );
  const tag = field(t.tag, picker, t.tagHint);
  const newName = field(t.newTag, textInput('name'));
  const area = messageArea();
  const create = actionButton(t.createTag, area, async () => {
    const name = newName.input.value.trim();
    const created = await api.call<Tag>('POST', '/api/tags', { name, type: 'personal' });
    picker.append(h('option', { value: created.id }, created.name));
    picker.value = created.id;
    newName.input.value = '';
    showInfo(area, t.tagCreated(created.name));
  });
  return {
    picker,
    element: h('div', {}, tag.wrapper, h('div', { class: 'inline' }, newName.wrapper, create), area),
  };
}

function mailboxFields(mailbox: Mailbox) {
  const prefix = `mailbox-${mailbox.id}`;
  const autoSync = field(t.autoSync, checkbox(`${prefix}.autoSync`, mailbox.autoSync));
  const period = field(t.period, periodSelect(`${prefix}.periodMinutes`, mailbox.periodMinutes));
  const since = field(t.syncSince, textInput(`${prefix}.syncSince`, mailbox.syncSince, 'date'));
  const folders = field(t.folders, textInput(`${prefix}.folders`, mailbox.folders.join(', ')));
  const patch = () => ({
    autoSync: autoSync.input.checked,
    periodMinutes: Number(period.input.value),
    syncSince: since.input.value,
    folders: folders.input.value
      .split(',')
      .map((folder) => folder.trim())
      .filter(Boolean),
  });
  const initial = JSON.stringify(patch());
  const lastSync = lastSyncLine(mailbox.lastSync);
  return {
    changed: () => JSON.stringify(patch()) !== initial,
    patch,
    lastSync,
    element: h(
      'fieldset',
      {},
      h('legend', {}, mailbox.email),
      autoSync.wrapper,
      period.wrapper,
      since.wrapper,
      folders.wrapper,
      lastSync,
    ),
  };
}

function runNow(api: Api, hasAccount: boolean, onFinished: () => Promise<void>): HTMLElement {
  const progress = h('div', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  const area = messageArea();
  const details = h('div', {});
  const show = (run: SyncRun) => {
    const finished = !['queued', 'running'].includes(run.status);
    const status = texts.run.status[run.status] ?? run.status;
    progress.textContent = finished ? t.finished(status) : t.progress(status);
    replaceChildren(details, h('p', {}, runSummary(run)), runDetails(run));
    return finished;
  };
  const button = actionButton(
    t.runNow,
    area,
    async () => {
      replaceChildren(area);
      const { runId } = await api.call<{ runId: string }>('POST', '/syncNow', {});
      for (;;) {
        const run = await api.get<SyncRun>(`/api/me/sync/runs/${encodeURIComponent(runId)}`);
        if (show(run)) return onFinished();
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    { class: 'primary' },
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'run-heading' },
    h('h2', { id: 'run-heading' }, t.manual),
    hasAccount ? null : h('p', { class: 'hint' }, t.noAccount),
    button,
    progress,
    area,
    details,
  );
}

export async function syncPage({ api }: PageContext): Promise<HTMLElement> {
  const [settings, tags, accounts, mailboxes] = await Promise.all([
    api.get<SyncSettings>('/api/me/sync-settings'),
    api.all<Tag>('/api/tags'),
    api.all<LinkedAccount>('/api/me/accounts'),
    api.all<Mailbox>('/api/me/mailboxes').catch(() => [] as Mailbox[]),
  ]);
  const contactsAuto = field(t.autoSync, checkbox('contacts.autoSync', settings.contacts.autoSync));
  const contactsPeriod = field(
    t.period,
    periodSelect('contacts.periodMinutes', settings.contacts.periodMinutes),
  );
  const tag = tagPicker(api, tags, settings.contacts.tagId);
  const activitiesAuto = field(t.autoSync, checkbox('activities.autoSync', settings.activities.autoSync));
  const activitiesPeriod = field(
    t.period,
    periodSelect('activities.periodMinutes', settings.activities.periodMinutes),
  );
  const since = field(
    t.syncSince,
    textInput('activities.syncSince', settings.activities.syncSince ?? '', 'date'),
    t.syncSinceHint,
  );
  const mailboxForms = mailboxes.map(mailboxFields);
  const contactsLastSync = lastSyncLine(settings.lastSync.contacts);
  const activitiesLastSync = lastSyncLine(settings.lastSync.activities);
  const area = messageArea();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, t.contacts),
      contactsAuto.wrapper,
      contactsPeriod.wrapper,
      tag.element,
      contactsLastSync,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t.activities),
      activitiesAuto.wrapper,
      activitiesPeriod.wrapper,
      since.wrapper,
      activitiesLastSync,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t.mail),
      ...(mailboxForms.length ? mailboxForms.map((m) => m.element) : [h('p', {}, t.noMailboxes)]),
    ),
    area,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, texts.save)),
  );
  onSubmit(form, area, async () => {
    await api.call('PUT', '/api/me/sync-settings', {
      contacts: {
        autoSync: contactsAuto.input.checked,
        periodMinutes: Number(contactsPeriod.input.value),
        tagId: tag.picker.value || null,
      },
      activities: {
        autoSync: activitiesAuto.input.checked,
        periodMinutes: Number(activitiesPeriod.input.value),
        syncSince: since.input.value || null,
      },
    });
    for (const [index, mailbox] of mailboxes.entries()) {
      const edited = mailboxForms[index];
      if (edited?.changed())
        await api.call('PATCH', `/api/me/mailboxes/${encodeURIComponent(mailbox.id)}`, edited.patch());
    }
    return texts.saved;
  });
  // A finished run moves the last sync times: show them without reloading the form being edited.
  const refreshLastSync = async () => {
    const { lastSync } = await api.get<SyncSettings>('/api/me/sync-settings');
    contactsLastSync.textContent = lastSyncText(lastSync.contacts);
    activitiesLastSync.textContent = lastSyncText(lastSync.activities);
    const current = await api.all<Mailbox>('/api/me/mailboxes').catch(() => [] as Mailbox[]);
    for (const [index, mailbox] of mailboxes.entries()) {
      const line = mailboxForms[index]?.lastSync;
      const now = current.find((candidate) => candidate.id === mailbox.id);
      if (line && now) line.textContent = lastSyncText(now.lastSync);
    }
  };
  const hasAccount = accounts.length > 0 || mailboxes.length > 0;
  return h('div', {}, h('h1', {}, t.title), form, runNow(api, hasAccount, refreshLastSync));
}
