import { formatDateTime, h } from './dom.js';
import type { SyncRun } from './model.js';
import { texts } from './texts.js';

/**
 * A sync run in words (docs/architecture.md#web-console): counts per direction ("1 created in Google"), conflicts with both
 * values and the winner, and per-record errors with what to do about them.
 */

const t = texts.run;

function countLines(counts: Record<string, number | Record<string, number>>): string[] {
  const lines: string[] = [];
  for (const [direction, value] of Object.entries(counts)) {
    if (typeof value === 'number') {
      if (direction === 'unchanged' && value > 0) lines.push(t.count.unchanged(value));
      else if (value > 0) lines.push(t.count.mail[direction]?.(value) ?? `${value} ${direction}`);
      continue;
    }
    const words = direction === 'toGoogle' ? t.count.toGoogle : t.count.toCrm;
    for (const [operation, n] of Object.entries(value)) {
      if (n > 0) lines.push(words[operation]?.(n) ?? `${n} ${operation}`);
    }
  }
  return lines;
}

function showValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return texts.none;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function runSummary(run: SyncRun): string {
  const status = t.status[run.status] ?? run.status;
  const kinds = run.kinds.map((kind) => t.kind[kind] ?? kind).join(', ');
  return `${t.trigger[run.trigger] ?? run.trigger} · ${kinds} · ${status}`;
}

export function runDuration(run: SyncRun): string | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined;
  return t.duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
}

export function advice(code: string): string {
  return t.advice[code] ?? t.defaultAdvice;
}

export function runDetails(run: SyncRun): HTMLElement {
  const kinds = Object.entries(run.counts ?? {});
  return h(
    'div',
    { class: 'run-details' },
    run.error
      ? h('p', { class: 'warn' }, `${run.error.message} ${t.whatToDo} ${advice(run.error.code)}`)
      : null,
    ...kinds.map(([kind, counts]) => {
      const lines = countLines(counts);
      return h(
        'div',
        { class: 'run-kind' },
        h('h4', {}, t.kind[kind] ?? kind),
        h(
          'ul',
          { class: 'counts' },
          ...(lines.length ? lines : [t.noChanges]).map((line) => h('li', {}, line)),
        ),
      );
    }),
    run.conflicts?.length
      ? h(
          'div',
          {},
          h('h4', {}, t.conflicts),
          h(
            'ul',
            {},
            ...run.conflicts.map((conflict) =>
              h(
                'li',
                {},
                `${t.kind[conflict.kind] ?? conflict.kind}, ${t.record(conflict.recordId)} — `,
                t.conflict(conflict.field, t.winner[conflict.winner] ?? conflict.winner),
                h(
                  'dl',
                  { class: 'facts' },
                  h('dt', {}, t.crmValue),
                  h('dd', {}, showValue(conflict.crmValue)),
                  h('dt', {}, t.googleValue),
                  h('dd', {}, showValue(conflict.googleValue)),
                ),
              ),
            ),
          ),
        )
      : null,
    run.errors?.length
      ? h(
          'div',
          {},
          h('h4', {}, t.errors),
          h(
            'ul',
            {},
            ...run.errors.map((error) =>
              h(
                'li',
                {},
                `${t.kind[error.kind] ?? error.kind}${error.recordId ? `, ${t.record(error.recordId)}` : ''}: ${error.message} `,
                h('strong', {}, t.whatToDo),
                ` ${advice(error.code)}`,
              ),
            ),
          ),
        )
      : null,
  );
}

export function runHeading(run: SyncRun): HTMLElement {
  const duration = runDuration(run);
  return h(
    'span',
    {},
    h('strong', {}, formatDateTime(run.startedAt ?? run.queuedAt, texts.never)),
    ` — ${runSummary(run)}`,
    duration ? ` · ${duration}` : '',
  );
}
