import assert from 'node:assert/strict';
import { isDomainAllowed } from '../../functions/src/app/linking/domains.js';
import {
  CALENDAR_EVENTS_SCOPE,
  CONTACTS_SCOPE,
  evaluateGrant,
  parseScopeString,
  REQUESTED_SCOPES,
} from '../../functions/src/app/linking/scopes.js';

const USERINFO_EMAIL = 'https://www.googleapis.com/auth/userinfo.email';
const USERINFO_PROFILE = 'https://www.googleapis.com/auth/userinfo.profile';

describe('linking: granted scopes', () => {
  it('when Google grants everything (sign-in scopes in their long form), then nothing is missing', () => {
    const grant = evaluateGrant(
      parseScopeString(
        `openid ${USERINFO_EMAIL} ${USERINFO_PROFILE} ${CONTACTS_SCOPE} ${CALENDAR_EVENTS_SCOPE}`,
      ),
    );
    assert.deepEqual(grant.missing, []);
    assert.deepEqual(grant.capabilities, { contacts: true, calendar: true });
  });

  it('when only contacts is granted, then calendar is missing and only contacts is enabled', () => {
    const grant = evaluateGrant(parseScopeString(`openid email profile ${CONTACTS_SCOPE}`));
    assert.deepEqual(grant.missing, [CALENDAR_EVENTS_SCOPE]);
    assert.deepEqual(grant.capabilities, { contacts: true, calendar: false });
  });

  it('when the broader calendar scope was granted, then calendar.events is not missing', () => {
    const grant = evaluateGrant(['openid', 'email', 'profile', 'https://www.googleapis.com/auth/calendar']);
    assert.deepEqual(grant.missing, [CONTACTS_SCOPE]);
    assert.equal(grant.capabilities.calendar, true);
  });

  it('when only contacts.readonly is granted, then contacts is missing (two-way sync needs write)', () => {
    const grant = evaluateGrant(['openid', 'https://www.googleapis.com/auth/contacts.readonly']);
    assert.equal(grant.capabilities.contacts, false);
    assert.ok(grant.missing.includes(CONTACTS_SCOPE));
  });

  it('when the scope string is empty or repeats scopes, then it is parsed into a clean list', () => {
    assert.deepEqual(parseScopeString(undefined), []);
    assert.deepEqual(parseScopeString(`  a  b a `), ['a', 'b']);
    assert.deepEqual(evaluateGrant([]).missing, [...REQUESTED_SCOPES]);
  });
});

describe('linking: allowed domains', () => {
  const identity = (email: string, hostedDomain?: string, emailVerified = true) => ({
    sub: '1',
    email,
    emailVerified,
    hostedDomain,
  });

  it('when no domains are configured, then any account may link', () => {
    assert.equal(isDomainAllowed(identity('x@gmail.com'), []), true);
  });

  it('when the hd claim is an allowed domain, then the account may link', () => {
    assert.equal(isDomainAllowed(identity('a@corp.example', 'corp.example'), ['corp.example']), true);
  });

  it('when the hd claim is another domain, then the email domain does not rescue it', () => {
    assert.equal(isDomainAllowed(identity('a@corp.example', 'other.example'), ['corp.example']), false);
  });

  it('when there is no hd claim, then the verified email domain decides', () => {
    assert.equal(isDomainAllowed(identity('a@gmail.com'), ['gmail.com']), true);
    assert.equal(isDomainAllowed(identity('a@gmail.com'), ['corp.example']), false);
  });

  it('when there is no hd claim and the email is unverified, then the account is refused', () => {
    assert.equal(isDomainAllowed(identity('a@corp.example', undefined, false), ['corp.example']), false);
  });
});
