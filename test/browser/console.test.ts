import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/local/console.js';
import { createSyncTickJob, wirePubSubPush } from '../../scripts/local/wiring.js';
import { googleContacts } from '../integration/contact-sync-support.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  control,
  registerClients,
  resetToConfiguredApp,
  type SuiteUsers,
  suiteUsers,
} from '../integration/linking-support.js';
import { pausePushDelivery } from '../integration/sync-support.js';
import { callApi } from '../support/api.js';
import {
  clearScreenshots,
  launchChromium,
  newPage,
  screenshot,
  seriousViolations,
} from '../support/browser.js';
import { resetFirestore } from '../support/stack.js';
import { PASSWORD, type TestUser } from '../support/users.js';

/**
 * The web console (docs/architecture.md#web-console) in real Chromium against the local stack and the Google emulator,
 * driven by role and accessible name as tests outside the code base drive it. Every page is checked
 * with axe-core and photographed into test-results/console/.
 */
describe('Web console in Chromium', function () {
  this.timeout(180_000);
  let browser: Browser;
  let users: SuiteUsers;

  before(async () => {
    [users] = await Promise.all([suiteUsers(), buildConsole()]);
    browser = await launchChromium();
    clearScreenshots();
  });

  after(async () => {
    await browser?.close();
  });

  async function signIn(page: Page, user: TestUser): Promise<void> {
    current = page;
    await page.goto(`${users.stack.baseUrl}/app/`);
    await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // On a narrow screen the links sit behind the menu button; signing out is always in sight.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Opens a page from the navigation, waits for its heading, checks it with axe and photographs it. */
  async function visit(page: Page, link: string, shot: string, heading = link): Promise<void> {
    const nav = page.getByRole('navigation');
    const menu = nav.getByRole('button', { name: 'Menu' });
    if (await menu.isVisible()) await menu.click();
    await nav.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForLoadState('networkidle');
    await check(page, shot);
  }

  let current: Page | undefined;
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && current && !current.isClosed())
      await screenshot(current, 'failed');
  });

  async function check(page: Page, shot: string): Promise<void> {
    assert.deepEqual(await seriousViolations(page), [], `axe on ${shot}`);
    await screenshot(page, shot);
  }

  it('when an administrator saves the Google app settings, then they are stored and the URIs to register are shown', async () => {
    await resetFirestore(users.stack);
    await control(users.stack).reset();
    await registerClients(users.stack);
    const { projectId, hosts, baseUrl } = users.stack;
    await createSyncTickJob(hosts.scheduler, projectId, 'us-central1', baseUrl);
    const { context, page } = await newPage(browser);
    await signIn(page, users.admin);
    await visit(page, 'Administration', 'admin-google-app');
    assert.equal(
      await page.getByLabel('Authorized redirect URI').inputValue(),
      `${users.stack.baseUrl}/oauthCallback`,
    );
    assert.equal(await page.getByLabel('Authorized JavaScript origin').inputValue(), users.stack.baseUrl);

    await page.getByLabel('Client ID').fill('not-a-client-id');
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('Client ID').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Client secret').inputValue(), CLIENT_SECRET, 'nothing typed is lost');
    await check(page, 'admin-google-app-error');

    await page.getByLabel('Client ID').fill(CLIENT_ID);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('A client secret is set').waitFor();
    const stored = await callApi('GET', '/settings/google', { token: users.admin.idToken });
    assert.deepEqual(stored.json, {
      clientId: CLIENT_ID,
      clientSecretSet: true,
      useSharedApp: false,
      allowedDomains: [],
    });

    await page.getByRole('button', { name: 'Mail providers' }).click();
    await page.getByRole('heading', { level: 2, name: 'Mail providers' }).waitFor();
    await page.getByLabel('IMAP host').fill('localhost');
    await page.getByLabel('Client ID').fill(CLIENT_ID);
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('A client secret is set').waitFor();
    await check(page, 'admin-mail-providers');
    const gmail = (await callApi('GET', '/settings/mail-providers/gmail', { token: users.admin.idToken }))
      .json;
    assert.equal(gmail.imap.host, 'localhost');
    assert.equal(gmail.clientId, CLIENT_ID);
    assert.equal(gmail.clientSecretSet, true);

    await page.getByRole('button', { name: 'Automatic sync' }).click();
    await page.getByText('Automatic sync is running.').waitFor();
    await check(page, 'admin-schedule');
    await page.getByRole('button', { name: 'Pause automatic sync' }).click();
    await page.getByText('Automatic sync is paused.').waitFor();
    assert.equal(
      (await callApi('GET', '/settings/schedule', { token: users.admin.idToken })).json.paused,
      true,
    );
    await page.getByRole('button', { name: 'Resume automatic sync' }).click();
    await page.getByText('Automatic sync is running.').waitFor();
    assert.equal(
      (await callApi('GET', '/settings/schedule', { token: users.admin.idToken })).json.paused,
      false,
    );
    await context.close();
  });

  it('when a person signs in with a wrong password, then they are told so; when they create an account, then they are signed in', async () => {
    const { context, page } = await newPage(browser);
    current = page;
    await page.goto(`${users.stack.baseUrl}/app/`);
    await check(page, 'sign-in');
    const email = `new-${Date.now()}@example.com`;
    await page.getByRole('textbox', { name: 'Email' }).fill(users.other.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The email or the password is not right.').waitFor();
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(`Signed in as ${email}`).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('when a user who is not an administrator signs in on a narrow screen, then no administration page is reachable', async () => {
    const { context, page } = await newPage(browser, { narrow: true });
    await signIn(page, users.other);
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(
      await page.getByRole('link', { name: 'History' }).isVisible(),
      false,
      'links sit behind the menu',
    );
    await menu.click();
    assert.equal(await page.getByRole('link', { name: 'History' }).isVisible(), true);
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    await check(page, 'narrow-accounts-menu');
    await page.goto(`${users.stack.baseUrl}/app/#/admin`);
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Administration' }).count(), 0);
    await context.close();
  });

  it('when a user links Google, sets up contact sync and runs it, then History shows the run with its counts', async () => {
    await resetToConfiguredApp(users.stack, users.admin);
    // Pub/Sub pushes the queued run to syncUser as `npm start` wires it; unwired again at the end.
    await wirePubSubPush(users.stack.projectId, users.stack.baseUrl);
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, users.user);
      await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
      await check(page, 'accounts-unlinked');

      // The consent round trip: the API's authorization URL, the Google emulator, oauthCallback, back here.
      await page.getByRole('button', { name: 'Link Google account' }).click();
      await page.getByText('Your Google account is linked.').waitFor();
      assert.match(page.url(), /\/app\/#\/accounts$/);
      await page.getByText('Active', { exact: true }).waitFor();
      await check(page, 'accounts');

      // A mailbox, through the Gmail provider's client (the same demo app here) and the same round trip.
      const admin = { token: users.admin.idToken };
      const { id, clientSecretSet, ...gmail } = (
        await callApi('GET', '/settings/mail-providers/gmail', admin)
      ).json;
      const body = { ...gmail, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
      assert.equal((await callApi('PUT', '/settings/mail-providers/gmail', { ...admin, body })).status, 200);
      await page.getByLabel('Mailbox address').fill(users.user.email);
      await page.getByRole('button', { name: 'Link mailbox' }).click();
      await page.getByText('Your mailbox is linked.').waitFor();
      await page.getByRole('listitem').filter({ hasText: users.user.email }).getByText('Active').waitFor();
      await check(page, 'accounts-with-mailbox');

      await visit(page, 'Synchronization', 'sync-settings');
      await page.getByLabel('New tag name').fill('My contacts');
      await page.getByRole('button', { name: 'Create tag' }).click();
      await page.getByText('Tag "My contacts" created and chosen.').waitFor();
      const mailbox = page.getByRole('group', { name: users.user.email });
      await mailbox.getByLabel('Folders (comma separated)').fill('INBOX, Sent, Archive');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      const mailboxes = await callApi('GET', '/api/me/mailboxes', { token: users.user.idToken });
      assert.deepEqual(mailboxes.json.items[0].folders, ['INBOX', 'Sent', 'Archive']);
      const settings = await callApi('GET', '/api/me/sync-settings', { token: users.user.idToken });
      assert.ok(settings.json.contacts.tagId, JSON.stringify(settings.json));

      await visit(page, 'Contacts', 'contacts-empty');
      await page.getByLabel('First name').fill('Grace');
      await page.getByLabel('Email address').fill('not an email');
      await page.getByRole('button', { name: 'Create contact' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('First name').inputValue(), 'Grace', 'nothing typed is lost');
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('Email address').fill('ada@example.org');
      await page.getByRole('button', { name: 'Create contact' }).click();
      await page.getByText('Contact created.').waitFor();
      await page.getByLabel('Tag to add to Ada Lovelace').selectOption({ label: 'My contacts (personal)' });
      await page.getByRole('button', { name: 'Add tag to Ada Lovelace' }).click();
      await page.getByRole('button', { name: 'Remove tag My contacts from Ada Lovelace' }).waitFor();
      await check(page, 'contacts');

      await visit(page, 'Synchronization', 'sync-before-run');
      await page.getByRole('button', { name: 'Run sync now' }).click();
      await page.getByText('Sync succeeded.').waitFor({ timeout: 60_000 });
      await page.getByText('1 created in Google').first().waitFor();
      await page
        .getByText(/^Last sync: (?!Never)/)
        .first()
        .waitFor(); // contacts (and mail) ran; activities were skipped
      await check(page, 'sync-after-run');
      const inGoogle = await googleContacts(users.stack, users.user.email);
      assert.deepEqual(
        inGoogle.map((person) => person.emailAddresses?.[0]?.value),
        ['ada@example.org'],
      );

      await visit(page, 'History', 'history');
      const run = page.getByRole('listitem').filter({ hasText: 'Started by hand' }).first();
      await run.getByText('succeeded').first().waitFor();
      await run.getByText('1 created in Google').waitFor();

      await visit(page, 'Activities', 'activities-empty');
      await page.getByRole('heading', { level: 2, name: /^Week of/ }).waitFor();
      const today = new Date();
      const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
      await page.getByLabel('Title').fill('Engine review');
      await page.getByLabel('Start', { exact: true }).fill(`${day}T10:00`);
      await page.getByLabel('End', { exact: true }).fill(`${day}T11:00`);
      await page.getByRole('button', { name: 'Create activity' }).click();
      await page.getByText('Activity created.').waitFor();
      await page.getByRole('listitem').filter({ hasText: 'Engine review' }).waitFor();
      await check(page, 'activities');
      await visit(page, 'Mail', 'mail');

      await visit(page, 'Accounts', 'accounts-before-removal');
      const email = users.user.email;
      await page.getByRole('button', { name: `Remove mailbox ${email}` }).click();
      await page
        .getByRole('group', { name: /^Remove the mailbox/ })
        .getByRole('button', { name: 'Remove' })
        .click();
      await page.getByText('No mailbox is linked yet.').waitFor();
      await page.getByRole('button', { name: `Remove ${email}` }).click();
      await page
        .getByRole('group', { name: `Remove ${email}?`, exact: false })
        .getByRole('button', { name: 'Remove' })
        .click();
      await page.getByText('No Google account is linked yet.').waitFor();
      const accounts = await callApi('GET', '/api/me/accounts', { token: users.user.idToken });
      assert.deepEqual(accounts.json.items, []);
    } finally {
      await context.close();
      await pausePushDelivery(users.stack);
    }
  });
});
