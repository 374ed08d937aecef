/**
 * Every text the console shows, in one place so that a translation replaces this module only.
 * Accessible names that docs/architecture.md#web-console makes contract ("Email", "Password", "Sign in", the navigation
 * links, "Link Google account", "Run sync now", "Save", "Active", "Reauthorization required",
 * "1 created in Google") are marked as such: tests outside the code base find them by name.
 */

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const texts = {
  appName: 'crm-google-sync',
  skipToContent: 'Skip to content',
  loading: 'Loading…',
  saving: 'Saving…',
  saved: 'Saved.',
  none: 'None',
  never: 'Never',
  yes: 'Yes',
  no: 'No',
  cancel: 'Cancel',
  /** Contract (docs/architecture.md#web-console). */
  save: 'Save',
  edit: 'Edit',
  remove: 'Remove',
  signIn: {
    title: 'Sign in',
    email: 'Email', // contract
    password: 'Password', // contract
    submit: 'Sign in', // contract
    createAccount: 'Create account',
    withGoogle: 'Continue with Google',
    signOut: 'Sign out',
    signedInAs: (email: string) => `Signed in as ${email}`,
    failed: 'The email or the password is not right.',
    weakPassword: 'Choose a password of at least 6 characters.',
    emailInUse: 'An account with this email exists already: sign in instead.',
    notAllowed: 'This way of signing in is not enabled for this deployment.',
    other: (code: string) => `Signing in failed (${code}).`,
  },
  nav: {
    label: 'Main',
    menu: 'Menu',
    accounts: 'Accounts', // contract
    sync: 'Synchronization', // contract
    history: 'History', // contract
    contacts: 'Contacts', // contract
    activities: 'Activities', // contract
    mail: 'Mail', // contract
    admin: 'Administration', // contract
  },
  status: {
    active: 'Active', // contract
    reauthRequired: 'Reauthorization required', // contract
  },
  accounts: {
    title: 'Accounts',
    googleHeading: 'Google account',
    noGoogle: 'No Google account is linked yet. Link one to sync your contacts and calendar with it.',
    link: 'Link Google account', // contract
    reconnect: 'Reconnect',
    removeGoogle: (email: string) => `Remove ${email}`,
    confirmRemove: (email: string) =>
      `Remove ${email}? Synchronization with it stops; your CRM data stays as it is.`,
    email: 'Google account',
    status: 'Status',
    capabilities: 'Can sync',
    capability: { contacts: 'Contacts', calendar: 'Calendar' },
    missing: 'Not granted',
    linkedAt: 'Linked',
    reauthHint: 'Google no longer accepts this link: press "Reconnect" and consent again.',
    mailboxesHeading: 'Mailboxes',
    noMailboxes: 'No mailbox is linked yet.',
    mailboxAddress: 'Mailbox address',
    linkMailbox: 'Link mailbox',
    removeMailbox: (email: string) => `Remove mailbox ${email}`,
    confirmRemoveMailbox: (email: string) => `Remove the mailbox ${email}? Imported emails stay in the CRM.`,
    redirecting: 'Taking you to Google…',
  },
  /** What oauthCallback's redirect (`?link=…` / `?mailbox=…`) means, in words (docs/api.md). */
  outcome: {
    linkOk: 'Your Google account is linked.',
    mailboxOk: 'Your mailbox is linked.',
    missing: (scopes: string) =>
      `Google did not grant everything that was asked for, so some sync is off. Not granted: ${scopes}. Press "Reconnect" and allow all of it to turn it on.`,
    linkFailed: 'The Google account was not linked.',
    mailboxFailed: 'The mailbox was not linked.',
    codes: {
      access_denied: 'You (or Google) declined the consent. Nothing was linked; try again and allow access.',
      state_invalid:
        'The link could not be checked: it was started in another browser or used twice. Start again from this page.',
      state_expired: 'The link took too long (more than 10 minutes). Start again.',
      domain_not_allowed:
        'This Google account belongs to a domain that the administrator has not allowed. Use your organisation account.',
      missing_scopes: 'Google did not grant the access the sync needs. Try again and allow all of it.',
      google_error:
        'Google reported an error. Try again in a moment; if it persists, tell your administrator.',
      mailbox_mismatch:
        'You consented with a different Google account than the mailbox address. Sign in to Google as that mailbox, then try again.',
    } as Record<string, string>,
    unknownCode: (code: string) => `Something went wrong (${code}). Try again.`,
  },
  sync: {
    title: 'Synchronization',
    contacts: 'Contacts',
    activities: 'Activities',
    mail: 'Mail',
    autoSync: 'Synchronize automatically',
    period: 'Every',
    periodOption: (minutes: number) =>
      minutes < 60 ? plural(minutes, 'minute', 'minutes') : plural(minutes / 60, 'hour', 'hours'),
    tag: 'Personal tag',
    noTag: 'Choose a tag…',
    tagHint: 'Contacts with this tag go to Google; contacts from Google get it.',
    newTag: 'New tag name',
    createTag: 'Create tag',
    tagCreated: (name: string) => `Tag "${name}" created and chosen.`,
    syncSince: 'Sync from',
    syncSinceHint: 'Activities starting on or after this date sync with Google Calendar.',
    folders: 'Folders (comma separated)',
    lastSync: 'Last sync',
    noMailboxes: 'Link a mailbox on the Accounts page to import mail.',
    runNow: 'Run sync now', // contract
    manual: 'Sync by hand',
    noAccount: 'Link a Google account on the Accounts page first.',
    progress: (status: string) => `Sync ${status}…`,
    finished: (status: string) => `Sync ${status}.`,
  },
  run: {
    status: {
      queued: 'queued',
      running: 'running',
      succeeded: 'succeeded',
      partial: 'finished with some errors',
      failed: 'failed',
    } as Record<string, string>,
    trigger: { manual: 'Started by hand', schedule: 'Automatic' } as Record<string, string>,
    kind: { contacts: 'Contacts', activities: 'Activities', mail: 'Mail' } as Record<string, string>,
    duration: (ms: number) =>
      ms < 1000
        ? 'under a second'
        : ms < 60_000
          ? plural(Math.round(ms / 1000), 'second', 'seconds')
          : plural(Math.round(ms / 60_000), 'minute', 'minutes'),
    noChanges: 'Nothing to change',
    count: {
      toGoogle: {
        created: (n: number) => `${n} created in Google`, // contract
        updated: (n: number) => `${n} updated in Google`,
        removed: (n: number) => `${n} removed from Google`,
      } as Record<string, (n: number) => string>,
      toCrm: {
        created: (n: number) => `${n} created in the CRM`,
        updated: (n: number) => `${n} updated in the CRM`,
        linked: (n: number) => `${n} linked to existing CRM records`,
        untagged: (n: number) => `${n} untagged in the CRM`,
        canceled: (n: number) => `${n} canceled in the CRM`,
      } as Record<string, (n: number) => string>,
      unchanged: (n: number) => `${n} unchanged`,
      mail: {
        imported: (n: number) => `${n} imported`,
        linked: (n: number) => `${n} already known, linked to this mailbox`,
        skipped: (n: number) => `${n} skipped (private or too old)`,
        failed: (n: number) => `${n} failed`,
      } as Record<string, (n: number) => string>,
    },
    conflicts: 'Conflicts',
    conflict: (field: string, winner: string) => `${field}: both sides changed it; ${winner} won.`,
    winner: { crm: 'the CRM value', google: 'the Google value' } as Record<string, string>,
    crmValue: 'CRM value',
    googleValue: 'Google value',
    errors: 'Errors',
    record: (id: string) => `Record ${id}`,
    whatToDo: 'What to do:',
    advice: {
      sync_not_configured: 'Complete the settings of this kind on the Synchronization page.',
      reauth_required: 'Google no longer accepts the link: reconnect the account on the Accounts page.',
      missing_scope: 'Reconnect the account on the Accounts page and allow all access.',
      no_linked_account: 'Link a Google account on the Accounts page.',
      no_mailbox: 'Link a mailbox on the Accounts page.',
      rate_limited: 'Google asked to slow down; the next run catches up by itself.',
      unavailable: 'A service was briefly unavailable; the next run retries by itself.',
      interrupted: 'The run was interrupted; the next run continues where it stopped.',
      invalid_argument: 'Google refused this record as it is: correct it in the CRM; the next run retries.',
    } as Record<string, string>,
    defaultAdvice: 'The next run retries this record; if it keeps failing, tell your administrator.',
  },
  history: {
    title: 'History',
    empty: 'No sync has run yet.',
    refresh: 'Refresh',
    started: 'Started',
    duration: 'Duration',
  },
  contacts: {
    title: 'Contacts',
    filter: 'Show contacts with tag',
    allTags: 'All contacts',
    empty: 'No contacts.',
    newContact: 'New contact',
    create: 'Create contact',
    created: 'Contact created.',
    editing: (name: string) => `Edit ${name}`,
    givenName: 'First name',
    familyName: 'Last name',
    email: 'Email address',
    phone: 'Phone',
    company: 'Company',
    jobTitle: 'Job title',
    notes: 'Notes',
    tags: 'Tags',
    addTag: (name: string) => `Add tag to ${name}`,
    addTagTo: (name: string) => `Tag to add to ${name}`,
    removeTag: (tag: string, name: string) => `Remove tag ${tag} from ${name}`,
    tagType: { personal: 'personal', corporate: 'corporate', public: 'public' } as Record<string, string>,
    more: 'Show more',
  },
  activities: {
    title: 'Activities',
    week: (from: string, to: string) => `Week of ${from} to ${to}`,
    previous: 'Previous week',
    next: 'Next week',
    thisWeek: 'This week',
    empty: 'Nothing planned.',
    newActivity: 'New activity',
    create: 'Create activity',
    created: 'Activity created.',
    activityTitle: 'Title',
    start: 'Start',
    end: 'End',
    location: 'Location',
    showInCalendar: 'Show in calendar',
    canceled: 'canceled',
    allDay: 'all day',
  },
  mail: {
    title: 'Mail',
    contact: 'Contact',
    chooseContact: 'Choose a contact…',
    empty: 'No emails with this contact.',
    from: 'From',
    to: 'To',
    incoming: 'Received',
    outgoing: 'Sent',
    truncated: 'The text was shortened.',
    attachments: (n: number) => plural(n, 'attachment', 'attachments'),
    compose: 'Write an email',
    mailbox: 'Send from',
    subject: 'Subject',
    text: 'Message',
    send: 'Send',
    sent: 'Email sent.',
    noMailbox: 'Link a mailbox on the Accounts page to send email.',
  },
  admin: {
    title: 'Administration',
    sections: 'Administration sections',
    google: 'Google app',
    providers: 'Mail providers',
    schedule: 'Automatic sync',
    clientId: 'Client ID',
    clientSecret: 'Client secret',
    secretSet: 'A client secret is set. Leave this empty to keep it.',
    secretNotSet: 'No client secret is set yet.',
    useSharedApp: 'Use shared Google app',
    allowedDomains: 'Allowed domains (comma separated)',
    allowedDomainsHint: 'Leave empty to allow any Google account.',
    register: 'Register these in Google Cloud (APIs & Services → Credentials → your OAuth client)',
    redirectUri: 'Authorized redirect URI',
    javascriptOrigin: 'Authorized JavaScript origin',
    copy: (what: string) => `Copy ${what}`,
    copied: 'Copied.',
    provider: 'Provider',
    name: 'Name',
    imap: 'IMAP',
    smtp: 'SMTP',
    host: (protocol: string) => `${protocol} host`,
    port: (protocol: string) => `${protocol} port`,
    security: (protocol: string) => `${protocol} security`,
    securityOption: { ssl: 'SSL/TLS', starttls: 'STARTTLS', none: 'None (loopback only)' } as Record<
      string,
      string
    >,
    appendSentCopy: 'Put a copy of sent mail into the Sent folder',
    scheduleState: (paused: boolean) => (paused ? 'Automatic sync is paused.' : 'Automatic sync is running.'),
    scheduleLine: (schedule: string, timeZone: string) => `Schedule: ${schedule} (${timeZone})`,
    lastRun: 'Last run',
    pause: 'Pause automatic sync',
    resume: 'Resume automatic sync',
  },
  errors: {
    network: 'The server could not be reached. Check your connection and try again.',
    fields: 'Please correct:',
    status: (status: number) => `The server answered ${status}.`,
  },
};
