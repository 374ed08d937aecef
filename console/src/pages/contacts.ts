import type { ListPage } from '../api.js';
import type { PageContext } from '../context.js';
import { field, h, replaceChildren, select } from '../dom.js';
import { actionButton, messageArea, onSubmit, showError } from '../forms.js';
import type { Contact, Tag } from '../model.js';
import { texts } from '../texts.js';
import { contactForm } from './contactForm.js';

/** CRM contacts (docs/api.md): filter by tag, create, edit, add and remove tags. */

const t = texts.contacts;

function tagName(tags: Map<string, Tag>, id: string): string {
  const tag = tags.get(id);
  return tag ? `${tag.name} (${t.tagType[tag.type] ?? tag.type})` : id;
}

export async function contactsPage({ api }: PageContext): Promise<HTMLElement> {
  const tagList = await api.all<Tag>('/api/tags');
  const tags = new Map(tagList.map((tag) => [tag.id, tag]));
  const filter = field(
    t.filter,
    select(
      'tagId',
      [
        { value: '', label: t.allTags },
        ...tagList.map((tag) => ({ value: tag.id, label: tagName(tags, tag.id) })),
      ],
      '',
    ),
  );
  const editor = h('section', { class: 'card', 'aria-labelledby': 'contact-form-heading' });
  const list = h('ul', { class: 'rows' });
  const listArea = messageArea();
  const more = h('div', {});

  const showEditor = (contact?: Contact) => {
    const form = contactForm(contact);
    const area = messageArea();
    const element = h(
      'form',
      { novalidate: true },
      ...form.fields,
      area,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, contact ? texts.save : t.create),
        contact ? actionButton(texts.cancel, area, async () => showEditor()) : null,
      ),
    );
    onSubmit(element, area, async () => {
      if (contact) {
        await api.call('PATCH', `/api/contacts/${encodeURIComponent(contact.id)}`, form.body());
        await loadList();
        showEditor();
        return undefined;
      }
      await api.call('POST', '/api/contacts', form.body());
      element.reset();
      await loadList();
      return t.created;
    });
    replaceChildren(
      editor,
      h('h2', { id: 'contact-form-heading' }, contact ? t.editing(contact.displayName) : t.newContact),
      element,
    );
    if (contact) element.querySelector('input')?.focus();
  };

  const row = (contact: Contact) => {
    const area = messageArea();
    const addable = tagList.filter((tag) => !contact.tagIds.includes(tag.id));
    const picker = select(
      'tagId',
      addable.map((tag) => ({ value: tag.id, label: tagName(tags, tag.id) })),
      '',
    );
    picker.setAttribute('aria-label', t.addTagTo(contact.displayName));
    return h(
      'li',
      { class: 'row' },
      h(
        'span',
        { class: 'row-main' },
        h('strong', {}, contact.displayName),
        contact.emails[0] ? ` · ${contact.emails[0].address}` : '',
        contact.organization?.name ? ` · ${contact.organization.name}` : '',
      ),
      h(
        'span',
        { class: 'chips', role: 'group', 'aria-label': t.tags },
        ...contact.tagIds.map((id) =>
          h(
            'span',
            { class: 'chip' },
            tagName(tags, id),
            ' ',
            actionButton(
              '×',
              area,
              async () => {
                await api.call(
                  'DELETE',
                  `/api/contacts/${encodeURIComponent(contact.id)}/tags/${encodeURIComponent(id)}`,
                );
                await loadList();
              },
              {
                'aria-label': t.removeTag(tags.get(id)?.name ?? id, contact.displayName),
                class: 'chip-remove',
              },
            ),
          ),
        ),
      ),
      h(
        'span',
        { class: 'actions' },
        addable.length ? picker : null,
        addable.length
          ? actionButton(t.addTag(contact.displayName), area, async () => {
              await api.call('POST', `/api/contacts/${encodeURIComponent(contact.id)}/tags`, {
                tagId: picker.value,
              });
              await loadList();
            })
          : null,
        actionButton(texts.edit, area, async () => showEditor(contact), {
          'aria-label': t.editing(contact.displayName),
        }),
      ),
      area,
    );
  };

  const loadPage = async (pageToken?: string) => {
    const query = new URLSearchParams({ pageSize: '50' });
    if (filter.input.value) query.set('tagId', filter.input.value);
    if (pageToken) query.set('pageToken', pageToken);
    const page = await api.get<ListPage<Contact>>(`/api/contacts?${query}`);
    list.append(...page.items.map(row));
    if (!list.children.length) list.append(h('li', {}, t.empty));
    replaceChildren(
      more,
      page.nextPageToken ? actionButton(t.more, listArea, () => loadPage(page.nextPageToken)) : null,
    );
  };
  const loadList = async () => {
    replaceChildren(list);
    await loadPage();
  };
  filter.input.addEventListener('change', () => void loadList().catch((error) => showError(listArea, error)));
  showEditor();
  await loadList();
  return h(
    'div',
    {},
    h('h1', {}, t.title),
    editor,
    h('section', { class: 'card', 'aria-label': t.title }, filter.wrapper, listArea, list, more),
  );
}
