import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitForTcp } from './processes.js';

/**
 * A private Dovecot IMAP server for the local stack and the tests (docs/behaviour.md#mail, docs/operations.md#local-stack): its own config,
 * run and mail folders under a temporary directory, listening on 127.0.0.1 only, with no TLS.
 * Mail clients log in with SASL XOAUTH2 or OAUTHBEARER; Dovecot's `oauth2` passdb checks each access
 * token against the Google emulator's `tokeninfo` and logs the user in as the `email` it answers
 * (https://doc.dovecot.org/2.3/configuration_manual/authentication/oauth2/), which Google's tokeninfo
 * includes when the token carries the email scope
 * (https://developers.google.com/identity/sign-in/web/backend-auth#calling-the-tokeninfo-endpoint).
 * A second passdb admits PLAIN with one fixed password for every address: how the local SMTP server
 * delivers into mailboxes and how tests seed them, never used by the product.
 *
 * Every session's logout line counts what it fetched (`imap_logout_format`), which is how tests
 * prove that attachment bytes are never downloaded.
 */

export interface Dovecot {
  port: number;
  /** The password of the PLAIN passdb (delivery and seeding only). */
  seedPassword: string;
  /** The log file, with one `imap(<user>)…: Logged out …` line per session. */
  logPath: string;
  /** Logout counters of every finished IMAP session of `user`, oldest first. */
  sessions(user: string): SessionCounters[];
  stop(): Promise<void>;
}

export interface SessionCounters {
  /** Bytes of message bodies (BODY[...] / BINARY sections and full messages) sent to the client. */
  fetchBodyBytes: number;
  fetchBodyCount: number;
  fetchHeaderBytes: number;
  appended: number;
}

const DOVECOT = '/usr/sbin/dovecot';
const LOGOUT_PREFIX = 'session-counters';

function config(dir: string, port: number, tokeninfoUrl: string, seedPassword: string): string {
  // Login processes refuse to run as root (docs/operations.md#machine-prerequisites): as root, Debian's own service users;
  // otherwise everything runs as the current user, which Dovecot allows for a private instance.
  const root = process.getuid?.() === 0;
  const me = userInfo().username;
  const loginUser = root ? 'dovenull' : me;
  const internalUser = root ? 'dovecot' : me;
  const mailOwner = root ? 'uid=dovecot gid=dovecot' : `uid=${userInfo().uid} gid=${userInfo().gid}`;
  writeFileSync(
    join(dir, 'oauth2.conf.ext'),
    `tokeninfo_url = ${tokeninfoUrl}?access_token=\nusername_attribute = email\n`,
  );
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain xoauth2 oauthbearer
auth_username_format = %Lu
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
default_internal_group = ${root ? 'dovecot' : me}
first_valid_uid = ${root ? 100 : userInfo().uid}
mail_location = maildir:${dir}/mail/%u
imap_logout_format = ${LOGOUT_PREFIX} body_bytes=%{fetch_body_bytes} body_count=%{fetch_body_count} hdr_bytes=%{fetch_hdr_bytes} appended=%{appended}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
passdb {
  driver = static
  mechanisms = plain
  args = password=${seedPassword}
}
userdb {
  driver = static
  args = ${mailOwner} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}
`;
}

/** Starts Dovecot on 127.0.0.1:`port`, validating XOAUTH2 tokens at `${googleApiBaseUrl}/tokeninfo`. */
export async function startDovecot(port: number, googleApiBaseUrl: string): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-dovecot-'));
  // Dovecot's service users must reach the folders inside.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  if (process.getuid?.() === 0) {
    const dovecotUser = spawnSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).stdout.trim();
    const dovecotGroup = spawnSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).stdout.trim();
    chownSync(join(dir, 'mail'), Number(dovecotUser), Number(dovecotGroup));
  }
  const seedPassword = `seed-${Math.random().toString(36).slice(2)}`;
  const configPath = join(dir, 'dovecot.conf');
  writeFileSync(configPath, config(dir, port, `${googleApiBaseUrl}/tokeninfo`, seedPassword));
  const logPath = join(dir, 'dovecot.log');
  // In the foreground (-F), as a child of ours in its own process group: stopping it stops every
  // Dovecot process, and none outlives the stack.
  const master = startProcess('dovecot', DOVECOT, ['-F', '-c', configPath]);
  const stop = async () => {
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForTcp('127.0.0.1', port, 10_000);
  } catch (error) {
    const log = readLog(logPath, 20);
    await stop();
    throw new Error(
      `Dovecot did not start: ${error instanceof Error ? error.message : error}\n${master.output()}${log}`,
    );
  }
  return { port, seedPassword, logPath, sessions: (user) => sessionsOf(logPath, user), stop };
}

function readLog(path: string, lastLines = Number.POSITIVE_INFINITY): string {
  try {
    return `\n${readFileSync(path, 'utf8').split('\n').slice(-lastLines).join('\n')}`;
  } catch {
    return '';
  }
}

function sessionsOf(logPath: string, user: string): SessionCounters[] {
  const wanted = `imap(${user.toLowerCase()})`;
  return readLog(logPath)
    .split('\n')
    .filter((line) => line.includes(wanted) && line.includes(LOGOUT_PREFIX))
    .map((line) => {
      const value = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1] ?? 0);
      return {
        fetchBodyBytes: value('body_bytes'),
        fetchBodyCount: value('body_count'),
        fetchHeaderBytes: value('hdr_bytes'),
        appended: value('appended'),
      };
    });
}
