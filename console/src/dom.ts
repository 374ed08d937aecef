/**
 * A few lines of DOM building instead of a framework: pages are built once from the API's answers
 * and then changed in place, so a form keeps what the user typed when a request fails (docs/architecture.md#web-console),
 * and text always goes in as text (`textContent`), never as HTML.
 */

export type Child = Node | string | number | null | undefined | false;
type AttributeValue = string | number | boolean | undefined | null;
export type Attributes = Record<string, AttributeValue | ((event: Event) => void)>;

export function h<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== undefined && value !== null)
      element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

let nextId = 0;
/** A document-unique id, for label/for and aria-describedby pairs. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export interface Field<Input extends HTMLElement> {
  wrapper: HTMLDivElement;
  input: Input;
}

/**
 * A labelled control with a hint and an error line both tied to it (aria-describedby). `name` is
 * the API field it edits, so the API's `details.fields` find their input.
 */
export function field<Input extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
  label: string,
  input: Input,
  hint?: string,
): Field<Input> {
  input.id ||= uniqueId('field');
  const hintId = `${input.id}-hint`;
  const errorId = `${input.id}-error`;
  input.setAttribute('aria-describedby', hint ? `${hintId} ${errorId}` : errorId);
  const isCheck = input instanceof HTMLInputElement && input.type === 'checkbox';
  const labelElement = h('label', { for: input.id }, label);
  const wrapper = h(
    'div',
    { class: isCheck ? 'field field-check' : 'field' },
    ...(isCheck ? [input, labelElement] : [labelElement, input]),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId }),
  );
  return { wrapper, input };
}

export function textInput(name: string, value = '', type = 'text', extra: Attributes = {}): HTMLInputElement {
  const input = h('input', { name, type, ...extra });
  input.value = value;
  return input;
}

export function checkbox(name: string, checked: boolean): HTMLInputElement {
  const input = h('input', { name, type: 'checkbox' });
  input.checked = checked;
  return input;
}

export function select(
  name: string,
  options: Array<{ value: string; label: string }>,
  value: string,
): HTMLSelectElement {
  const element = h('select', { name }, ...options.map((o) => h('option', { value: o.value }, o.label)));
  element.value = value;
  return element;
}

export function formatDateTime(iso: string | null | undefined, fallback: string): string {
  if (!iso) return fallback;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
