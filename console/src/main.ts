import './style.css';
import type { User } from 'firebase/auth';
import { Api } from './api.js';
import type { Page, PageContext } from './context.js';
import { h, replaceChildren } from './dom.js';
import { showError } from './forms.js';
import type { Me } from './model.js';
import { linkOutcome } from './outcome.js';
import { accountsPage } from './pages/accounts.js';
import { activitiesPage } from './pages/activities.js';
import { adminPage } from './pages/admin.js';
import { contactsPage } from './pages/contacts.js';
import { historyPage } from './pages/history.js';
import { mailPage } from './pages/mail.js';
import { signInPage } from './pages/signIn.js';
import { syncPage } from './pages/sync.js';
import { type ConsoleConfig, loadConfig, Session } from './session.js';
import { texts } from './texts.js';

/**
 * The console's shell: signed out it shows the sign-in page; signed in, a navigation bar (behind a
 * menu button on a narrow screen) and the page the URL's hash names. Pages for administrators are
 * neither linked nor rendered for anyone else (the API refuses them anyway).
 */

interface Route {
  path: string;
  label: string;
  page: Page;
  adminOnly?: boolean;
}

const ROUTES: Route[] = [
  { path: 'accounts', label: texts.nav.accounts, page: accountsPage },
  { path: 'sync', label: texts.nav.sync, page: syncPage },
  { path: 'history', label: texts.nav.history, page: historyPage },
  { path: 'contacts', label: texts.nav.contacts, page: contactsPage },
  { path: 'activities', label: texts.nav.activities, page: activitiesPage },
  { path: 'mail', label: texts.nav.mail, page: mailPage },
  { path: 'admin', label: texts.nav.admin, page: adminPage, adminOnly: true },
];

const root = document.getElementById('root') as HTMLElement;

function currentPath(): string {
  return location.hash.replace(/^#\/?/, '') || 'accounts';
}

function shell(session: Session, me: Me, routes: Route[]): { main: HTMLElement; nav: HTMLElement } {
  const navList = h(
    'ul',
    { id: 'nav-links' },
    ...routes.map((route) =>
      h('li', {}, h('a', { href: `#/${route.path}`, 'data-path': route.path }, route.label)),
    ),
  );
  const menuButton = h(
    'button',
    { type: 'button', class: 'menu-button', 'aria-expanded': 'false', 'aria-controls': 'nav-links' },
    texts.nav.menu,
  );
  menuButton.addEventListener('click', () => {
    const open = menuButton.getAttribute('aria-expanded') !== 'true';
    menuButton.setAttribute('aria-expanded', String(open));
  });
  navList.addEventListener('click', () => menuButton.setAttribute('aria-expanded', 'false'));
  const nav = h('nav', { 'aria-label': texts.nav.label }, menuButton, navList);
  const signOut = h('button', { type: 'button', class: 'link-button' }, texts.signIn.signOut);
  signOut.addEventListener('click', () => void session.signOut());
  const main = h('main', { id: 'main', tabindex: '-1' });
  replaceChildren(
    root,
    h('a', { href: '#main', class: 'skip-link' }, texts.skipToContent),
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, texts.appName),
      nav,
      h('span', { class: 'who' }, texts.signIn.signedInAs(me.email), ' ', signOut),
    ),
    main,
  );
  return { main, nav };
}

async function showSignedIn(session: Session, config: ConsoleConfig): Promise<void> {
  replaceChildren(root, h('p', { role: 'status' }, texts.loading));
  await session.refresh();
  const api = new Api(() => session.idToken());
  const me = await api.get<Me>('/api/me');
  const routes = ROUTES.filter((route) => !route.adminOnly || me.admin);
  const query = new URLSearchParams(location.search);
  const notice = linkOutcome(query);
  if (notice) history.replaceState(null, '', `${location.pathname}#/accounts`);
  const { main, nav } = shell(session, me, routes);
  let context: PageContext = { api, me, config, notice };
  let rendering = 0;
  const render = async () => {
    const path = currentPath();
    const route = routes.find((candidate) => candidate.path === path) ?? routes[0];
    if (!route) return;
    for (const link of nav.querySelectorAll('a')) {
      if (link.dataset.path === route.path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${route.label} · ${texts.appName}`;
    replaceChildren(main, h('p', { role: 'status' }, texts.loading));
    // Only the page asked for last may show: an earlier one still loading must not replace it.
    rendering += 1;
    const mine = rendering;
    let content: HTMLElement;
    try {
      content = await route.page(context);
    } catch (error) {
      const area = h('div', {});
      showError(area, error);
      content = h('div', {}, h('h1', {}, route.label), area);
    }
    if (mine !== rendering) return;
    replaceChildren(main, content);
    context = { ...context, notice: undefined };
    main.querySelector<HTMLElement>('h1')?.setAttribute('tabindex', '-1');
    main.querySelector<HTMLElement>('h1')?.focus();
  };
  window.onhashchange = () => void render();
  await render();
}

async function start(): Promise<void> {
  const config = await loadConfig();
  const session = new Session(config);
  session.watch((user: User | null) => {
    window.onhashchange = null;
    if (user) {
      showSignedIn(session, config).catch((error: unknown) => {
        const area = h('div', {});
        showError(area, error);
        replaceChildren(root, h('main', {}, h('h1', {}, texts.appName), area));
      });
    } else {
      replaceChildren(root, signInPage(session, config));
    }
  });
}

void start();
