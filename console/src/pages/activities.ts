import type { PageContext } from '../context.js';
import { checkbox, field, h, replaceChildren, textInput } from '../dom.js';
import { actionButton, messageArea, onSubmit } from '../forms.js';
import type { Activity } from '../model.js';
import { texts } from '../texts.js';

/**
 * A week of CRM activities (docs/api.md `GET /api/activities?from=&to=`, overlap of [from, to)), in
 * the browser's time zone, Monday first, and a form to plan a new one.
 */

const t = texts.activities;
const DAY_MS = 86_400_000;

function mondayOf(date: Date): Date {
  const monday = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  return monday;
}

const dayLabel = (day: Date) =>
  day.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'short' });
const timeLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** The local days an activity covers (all-day ends are exclusive dates). */
function coversDay(activity: Activity, day: Date): boolean {
  const dayStart = day.getTime();
  const dayEnd = dayStart + DAY_MS;
  const start = activity.allDay ? new Date(`${activity.start}T00:00`).getTime() : Date.parse(activity.start);
  const end = activity.allDay ? new Date(`${activity.end}T00:00`).getTime() : Date.parse(activity.end);
  return start < dayEnd && (end > dayStart || (end === start && start >= dayStart));
}

/** `datetime-local` value (local wall time) → RFC 3339 with the browser's offset, as the API wants. */
function toRfc3339(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export async function activitiesPage({ api }: PageContext): Promise<HTMLElement> {
  let monday = mondayOf(new Date());
  const heading = h('h2', { id: 'week-heading' });
  const week = h('div', { class: 'week' });
  const area = messageArea();

  const load = async () => {
    const from = monday;
    const to = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7);
    const last = new Date(to.getTime() - DAY_MS);
    heading.textContent = t.week(from.toLocaleDateString(), last.toLocaleDateString());
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), pageSize: '1000' });
    const activities = (await api.get<{ items: Activity[] }>(`/api/activities?${query}`)).items;
    const days = Array.from(
      { length: 7 },
      (_, i) => new Date(from.getFullYear(), from.getMonth(), from.getDate() + i),
    );
    replaceChildren(
      week,
      ...days.map((day) => {
        const items = activities.filter((activity) => coversDay(activity, day));
        return h(
          'section',
          { class: 'day', 'aria-label': dayLabel(day) },
          h('h3', {}, dayLabel(day)),
          items.length
            ? h(
                'ul',
                {},
                ...items.map((activity) =>
                  h(
                    'li',
                    { class: activity.status === 'canceled' ? 'activity canceled' : 'activity' },
                    h(
                      'span',
                      { class: 'when' },
                      activity.allDay ? t.allDay : `${timeLabel(activity.start)}–${timeLabel(activity.end)}`,
                    ),
                    ' ',
                    activity.title,
                    activity.location ? ` · ${activity.location}` : '',
                    activity.status === 'canceled' ? ` (${t.canceled})` : '',
                  ),
                ),
              )
            : h('p', { class: 'hint' }, t.empty),
        );
      }),
    );
  };
  const move = (days: number) => async () => {
    monday = days
      ? new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + days)
      : mondayOf(new Date());
    await load();
  };

  const title = field(t.activityTitle, textInput('title', '', 'text', { required: true }));
  const start = field(t.start, textInput('start', '', 'datetime-local', { required: true }));
  const end = field(t.end, textInput('end', '', 'datetime-local', { required: true }));
  const location = field(t.location, textInput('location'));
  const show = field(t.showInCalendar, checkbox('showInCalendar', true));
  const formArea = messageArea();
  const form = h(
    'form',
    { novalidate: true },
    title.wrapper,
    h('div', { class: 'inline' }, start.wrapper, end.wrapper),
    location.wrapper,
    show.wrapper,
    formArea,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t.create)),
  );
  onSubmit(form, formArea, async () => {
    await api.call('POST', '/api/activities', {
      title: title.input.value.trim(),
      start: toRfc3339(start.input.value),
      end: toRfc3339(end.input.value),
      location: location.input.value.trim() || undefined,
      showInCalendar: show.input.checked,
    });
    form.reset();
    await load();
    return t.created;
  });

  await load();
  return h(
    'div',
    {},
    h('h1', {}, t.title),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'week-heading' },
      heading,
      h(
        'div',
        { class: 'actions' },
        actionButton(t.previous, area, move(-7)),
        actionButton(t.thisWeek, area, move(0)),
        actionButton(t.next, area, move(7)),
      ),
      area,
      week,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-activity' },
      h('h2', { id: 'new-activity' }, t.newActivity),
      form,
    ),
  );
}
