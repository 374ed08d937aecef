import type { PageContext } from '../context.js';
import { h, replaceChildren } from '../dom.js';
import { actionButton, messageArea } from '../forms.js';
import type { SyncRun } from '../model.js';
import { runDetails, runHeading } from '../runView.js';
import { texts } from '../texts.js';

/**
 * The user's sync runs, newest first (the API lists oldest first, docs/api.md), each with its trigger,
 * duration, counts in words, conflicts and errors.
 */
export async function historyPage({ api }: PageContext): Promise<HTMLElement> {
  const list = h('ol', { class: 'runs' });
  const area = messageArea();
  const load = async () => {
    const runs = (await api.all<SyncRun>('/api/me/sync/runs')).reverse();
    if (!runs.length) return replaceChildren(list, h('li', {}, texts.history.empty));
    replaceChildren(
      list,
      ...runs.map((run, index) =>
        h(
          'li',
          { class: 'card run' },
          h('details', index === 0 ? { open: true } : {}, h('summary', {}, runHeading(run)), runDetails(run)),
        ),
      ),
    );
  };
  await load();
  return h(
    'div',
    {},
    h('h1', {}, texts.history.title),
    actionButton(texts.history.refresh, area, load),
    area,
    list,
  );
}
