import { field, h, textInput } from '../dom.js';
import type { Contact } from '../model.js';
import { texts } from '../texts.js';

/**
 * The contact form, for creating and editing (docs/api.md `Contact`): the fields a person edits most.
 * Inputs are named like the API fields so a 400's `details.fields` land next to them. Editing keeps
 * the emails and phones beyond the first one as they are.
 */

const t = texts.contacts;

export function contactForm(contact: Contact | undefined) {
  const given = field(
    t.givenName,
    textInput('givenName', contact?.givenName ?? '', 'text', { autocomplete: 'off' }),
  );
  const family = field(
    t.familyName,
    textInput('familyName', contact?.familyName ?? '', 'text', { autocomplete: 'off' }),
  );
  const email = field(
    t.email,
    textInput('emails.0.address', contact?.emails[0]?.address ?? '', 'email', { autocomplete: 'off' }),
  );
  const phone = field(
    t.phone,
    textInput('phones.0.number', contact?.phones[0]?.number ?? '', 'tel', { autocomplete: 'off' }),
  );
  const company = field(t.company, textInput('organization.name', contact?.organization?.name ?? ''));
  const title = field(t.jobTitle, textInput('organization.title', contact?.organization?.title ?? ''));
  const notes = field(t.notes, h('textarea', { name: 'notes', rows: 3 }));
  notes.input.value = contact?.notes ?? '';

  const value = (input: HTMLInputElement | HTMLTextAreaElement) => input.value.trim() || undefined;
  /** The writable fields as typed; `null` clears a field in a merge patch (RFC 7396). */
  const body = () => {
    const emailAddress = value(email.input);
    const phoneNumber = value(phone.input);
    const organization =
      value(company.input) || value(title.input)
        ? { ...contact?.organization, name: value(company.input), title: value(title.input) }
        : undefined;
    return {
      givenName: value(given.input) ?? (contact ? null : undefined),
      familyName: value(family.input) ?? (contact ? null : undefined),
      emails: [
        ...(emailAddress ? [{ address: emailAddress, type: contact?.emails[0]?.type ?? 'work' }] : []),
        ...(contact?.emails.slice(1) ?? []),
      ],
      phones: [
        ...(phoneNumber ? [{ number: phoneNumber, type: contact?.phones[0]?.type ?? 'work' }] : []),
        ...(contact?.phones.slice(1) ?? []),
      ],
      organization: organization ?? (contact ? null : undefined),
      notes: value(notes.input) ?? (contact ? null : undefined),
    };
  };
  return {
    fields: [given, family, email, phone, company, title, notes].map((f) => f.wrapper),
    body,
  };
}
