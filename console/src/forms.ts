import { ApiError } from './api.js';
import { h, replaceChildren } from './dom.js';
import { texts } from './texts.js';

/**
 * How every form talks to the API: while the request runs the submit button is busy; a failure is
 * shown in words (the envelope's message, and each named field next to its input) and the form is
 * left exactly as the user typed it.
 */

/** A live region for a form's or page's outcome; `role=alert` for errors, `status` otherwise. */
export function messageArea(): HTMLDivElement {
  return h('div', { class: 'message', 'aria-live': 'polite' });
}

export function showError(area: HTMLElement, error: unknown): void {
  const apiError = error instanceof ApiError ? error : undefined;
  const message = apiError?.message ?? (error instanceof Error ? error.message : String(error));
  const fields = Object.entries(apiError?.fields ?? {});
  area.className = 'message message-error';
  replaceChildren(
    area,
    h(
      'div',
      { role: 'alert' },
      h('p', {}, message),
      fields.length
        ? h(
            'ul',
            { 'aria-label': texts.errors.fields },
            ...fields.map(([name, problem]) => h('li', {}, `${name}: ${problem}`)),
          )
        : null,
    ),
  );
}

export function showInfo(area: HTMLElement, message: string): void {
  area.className = 'message message-info';
  replaceChildren(area, h('p', { role: 'status' }, message));
}

function markFields(form: HTMLFormElement, fields: Record<string, string>): void {
  for (const control of form.querySelectorAll<HTMLElement>('[name]')) {
    const name = control.getAttribute('name') ?? '';
    const problem = fields[name];
    const errorLine = document.getElementById(`${control.id}-error`);
    if (problem) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
    if (errorLine) errorLine.textContent = problem ?? '';
  }
}

/**
 * Runs `action` on submit. `success` is shown when it resolves to a string. Field errors of a 400
 * are marked on the inputs named like the API fields.
 */
export function onSubmit(
  form: HTMLFormElement,
  area: HTMLElement,
  action: () => Promise<string | undefined>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button?.getAttribute('aria-disabled') === 'true') return;
    button?.setAttribute('aria-disabled', 'true');
    replaceChildren(area);
    try {
      const success = await action();
      markFields(form, {});
      if (success) showInfo(area, success);
    } catch (error) {
      markFields(form, error instanceof ApiError ? error.fields : {});
      showError(area, error);
    } finally {
      button?.removeAttribute('aria-disabled');
    }
  });
}

/** A button that runs `action`, showing a failure in `area`. */
export function actionButton(
  label: string,
  area: HTMLElement,
  action: () => Promise<void>,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attributes }, label);
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      await action();
    } catch (error) {
      showError(area, error);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return button;
}

/**
 * A removal that asks first, in the page (not a browser dialog): the button is replaced by the
 * question with "Remove" and "Cancel"; focus moves to the question's answer.
 */
export function removeButton(
  label: string,
  question: string,
  area: HTMLElement,
  remove: () => Promise<void>,
): HTMLElement {
  const holder = h('span', { class: 'remove' });
  const ask = h('button', { type: 'button', class: 'danger' }, label);
  const cancel = h('button', { type: 'button' }, texts.cancel);
  const confirm = actionButton(texts.remove, area, remove, { class: 'danger' });
  const confirmation = h(
    'span',
    { role: 'group', 'aria-label': question },
    h('span', {}, question),
    ' ',
    confirm,
    ' ',
    cancel,
  );
  ask.addEventListener('click', () => {
    replaceChildren(holder, confirmation);
    cancel.focus();
  });
  cancel.addEventListener('click', () => {
    replaceChildren(holder, ask);
    ask.focus();
  });
  holder.append(ask);
  return holder;
}
