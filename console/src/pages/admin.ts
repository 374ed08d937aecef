import type { Api } from '../api.js';
import type { PageContext } from '../context.js';
import { checkbox, field, formatDateTime, h, replaceChildren, select, textInput } from '../dom.js';
import { actionButton, messageArea, onSubmit, showInfo } from '../forms.js';
import type { Endpoint, GoogleSettings, MailProvider, Schedule } from '../model.js';
import { texts } from '../texts.js';

/**
 * Administration (docs/operations.md#administrator-setup): Google app settings with the URIs to register in Google Cloud, the mail
 * provider directory, and pausing or resuming automatic sync. One section at a time, so each has
 * exactly one "Save". The shell shows this page to administrators only.
 */

const t = texts.admin;

function copyable(label: string, value: string): HTMLElement {
  const area = messageArea();
  const input = field(label, textInput(label, value, 'text', { readonly: true }));
  return h(
    'div',
    { class: 'inline' },
    input.wrapper,
    actionButton(t.copy(label), area, async () => {
      await navigator.clipboard.writeText(value);
      showInfo(area, t.copied);
    }),
    area,
  );
}

/** A write-only Client Secret (docs/operations.md#google-oauth-app): empty keeps the stored one; its hint says whether one is set. */
function secretField(isSet: boolean) {
  const secret = field(
    t.clientSecret,
    textInput('clientSecret', '', 'password', { autocomplete: 'new-password' }),
    isSet ? t.secretSet : t.secretNotSet,
  );
  const hint = secret.wrapper.querySelector('.hint');
  return {
    wrapper: secret.wrapper,
    value: () => (secret.input.value ? { clientSecret: secret.input.value } : {}),
    saved: (nowSet: boolean) => {
      secret.input.value = '';
      if (hint) hint.textContent = nowSet ? t.secretSet : t.secretNotSet;
    },
  };
}

async function googleSection(api: Api, publicBaseUrl: string): Promise<HTMLElement> {
  const settings = await api.get<GoogleSettings>('/settings/google');
  const clientId = field(
    t.clientId,
    textInput('clientId', settings.clientId ?? '', 'text', { autocomplete: 'off' }),
  );
  const secret = secretField(settings.clientSecretSet);
  const shared = field(t.useSharedApp, checkbox('useSharedApp', settings.useSharedApp));
  const domains = field(
    t.allowedDomains,
    textInput('allowedDomains', settings.allowedDomains.join(', ')),
    t.allowedDomainsHint,
  );
  const area = messageArea();
  const form = h(
    'form',
    { novalidate: true },
    clientId.wrapper,
    secret.wrapper,
    shared.wrapper,
    domains.wrapper,
    area,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, texts.save)),
  );
  onSubmit(form, area, async () => {
    const saved = await api.call<GoogleSettings>('PUT', '/settings/google', {
      clientId: clientId.input.value.trim() || null,
      ...secret.value(),
      useSharedApp: shared.input.checked,
      allowedDomains: domains.input.value
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    });
    secret.saved(saved.clientSecretSet);
    return texts.saved;
  });
  return h(
    'div',
    {},
    form,
    h('h3', {}, t.register),
    copyable(t.redirectUri, `${publicBaseUrl}/oauthCallback`),
    copyable(t.javascriptOrigin, window.location.origin),
  );
}

function endpointFields(protocol: 'imap' | 'smtp', endpoint: Endpoint) {
  const label = protocol === 'imap' ? t.imap : t.smtp;
  const host = field(t.host(label), textInput(`${protocol}.host`, endpoint.host));
  const port = field(t.port(label), textInput(`${protocol}.port`, String(endpoint.port), 'number'));
  const security = field(
    t.security(label),
    select(
      `${protocol}.security`,
      Object.entries(t.securityOption).map(([value, text]) => ({ value, label: text })),
      endpoint.security,
    ),
  );
  return {
    elements: [host.wrapper, port.wrapper, security.wrapper],
    value: () => ({
      host: host.input.value.trim(),
      port: Number(port.input.value),
      security: security.input.value,
    }),
  };
}

function providerForm(api: Api, provider: MailProvider): HTMLElement {
  const name = field(t.name, textInput('name', provider.name));
  const imap = endpointFields('imap', provider.imap);
  const smtp = endpointFields('smtp', provider.smtp);
  const clientId = field(t.clientId, textInput('clientId', provider.clientId ?? ''));
  const secret = secretField(provider.clientSecretSet);
  const appendSent = field(t.appendSentCopy, checkbox('appendSentCopy', provider.appendSentCopy));
  const area = messageArea();
  const form = h(
    'form',
    { novalidate: true },
    name.wrapper,
    h('fieldset', {}, h('legend', {}, t.imap), ...imap.elements),
    h('fieldset', {}, h('legend', {}, t.smtp), ...smtp.elements),
    clientId.wrapper,
    secret.wrapper,
    appendSent.wrapper,
    area,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, texts.save)),
  );
  onSubmit(form, area, async () => {
    const saved = await api.call<MailProvider>(
      'PUT',
      `/settings/mail-providers/${encodeURIComponent(provider.id)}`,
      {
        name: name.input.value.trim(),
        imap: imap.value(),
        smtp: smtp.value(),
        loginFormat: provider.loginFormat,
        auth: provider.auth,
        clientId: clientId.input.value.trim() || null,
        ...secret.value(),
        appendSentCopy: appendSent.input.checked,
      },
    );
    secret.saved(saved.clientSecretSet);
    return texts.saved;
  });
  return form;
}

async function providersSection(api: Api): Promise<HTMLElement> {
  const { items } = await api.get<{ items: MailProvider[] }>('/settings/mail-providers');
  const holder = h('div', {});
  const chooser = field(
    t.provider,
    select(
      'provider',
      items.map((p) => ({ value: p.id, label: p.name })),
      items[0]?.id ?? '',
    ),
  );
  const show = () => {
    const provider = items.find((p) => p.id === chooser.input.value);
    replaceChildren(holder, provider ? providerForm(api, provider) : null);
  };
  chooser.input.addEventListener('change', show);
  show();
  return h('div', {}, items.length > 1 ? chooser.wrapper : null, holder);
}

async function scheduleSection(api: Api): Promise<HTMLElement> {
  const holder = h('div', {});
  const area = messageArea();
  const render = (schedule: Schedule) => {
    replaceChildren(
      holder,
      h('p', { role: 'status' }, t.scheduleState(schedule.paused)),
      h('p', {}, t.scheduleLine(schedule.schedule, schedule.timeZone)),
      h('p', {}, `${t.lastRun}: ${formatDateTime(schedule.lastAttemptTime, texts.never)}`),
      area,
      actionButton(
        schedule.paused ? t.resume : t.pause,
        area,
        async () => {
          render(await api.call<Schedule>('PUT', '/settings/schedule', { paused: !schedule.paused }));
          holder.querySelector('button')?.focus();
        },
        { class: 'primary' },
      ),
    );
  };
  render(await api.get<Schedule>('/settings/schedule'));
  return holder;
}

export async function adminPage({ api, config }: PageContext): Promise<HTMLElement> {
  const sections = [
    { id: 'google', label: t.google, build: () => googleSection(api, config.publicBaseUrl) },
    { id: 'providers', label: t.providers, build: () => providersSection(api) },
    { id: 'schedule', label: t.schedule, build: () => scheduleSection(api) },
  ];
  const body = h('section', { class: 'card', 'aria-labelledby': 'admin-section' });
  const area = messageArea();
  const buttons = sections.map((section) => {
    const button = actionButton(
      section.label,
      area,
      async () => {
        const content = await section.build();
        for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
        replaceChildren(body, h('h2', { id: 'admin-section' }, section.label), content);
      },
      { 'aria-pressed': 'false' },
    );
    return button;
  });
  const page = h(
    'div',
    {},
    h('h1', {}, t.title),
    h('div', { class: 'actions', role: 'group', 'aria-label': t.sections }, ...buttons),
    area,
    body,
  );
  buttons[0]?.click();
  return page;
}
