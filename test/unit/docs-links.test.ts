import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * Pointers into docs/ (from code comments, tests, scripts and the docs themselves) name a file that
 * exists and a heading it has, so "see docs/behaviour.md#contact-deletion" always leads somewhere.
 */

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (!heading?.[1]) continue;
    const slug = heading[1]
      .toLowerCase()
      .replace(/[`*_]/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((path) => /^(functions|scripts|emulators|test|infra|console|docs)\/|^README\.md$/.test(path))
  .filter((path) => /\.(ts|mjs|js|md|json|html|yaml|yml)$/.test(path) && existsSync(path));

interface Pointer {
  from: string;
  file: string;
  anchor?: string;
}

function pointers(): Pointer[] {
  const found: Pointer[] = [];
  for (const from of tracked) {
    const text = readFileSync(from, 'utf8');
    for (const match of text.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
      found.push({ from, file: join('docs', match[1] as string), anchor: match[2] });
    }
    if (!from.endsWith('.md')) continue;
    // Relative Markdown links: [text](other.md#anchor), [text](#anchor).
    for (const match of text.matchAll(/\]\((?!https?:|\/)([\w./-]*\.md)?(?:#([\w-]+))?\)/g)) {
      if (!match[1] && !match[2]) continue;
      const file = match[1] ? normalize(join(dirname(from), match[1])) : from;
      found.push({ from, file, anchor: match[2] });
    }
  }
  return found;
}

describe('pointers into docs/', () => {
  it('when code or docs point at docs/<file>.md#<anchor>, then the file exists and has that heading', () => {
    const all = pointers();
    assert.ok(all.length > 20, 'the code and the docs point into docs/');
    const broken = all.filter(({ file, anchor }) => {
      if (!existsSync(file)) return true;
      return (
        anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)
      );
    });
    assert.deepEqual(
      broken.map(({ from, file, anchor }) => `${from} → ${file}${anchor ? `#${anchor}` : ''}`),
      [],
    );
  });

  it('when a heading has punctuation, then its anchor is the one GitHub makes', () => {
    const anchors = anchorsOf("# A\n## All-day, time zones and recurrence\n### Google's own samples\n## A\n");
    assert.deepEqual([...anchors], ['a', 'all-day-time-zones-and-recurrence', 'googles-own-samples', 'a-1']);
  });
});
