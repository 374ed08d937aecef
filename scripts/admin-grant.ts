/**
 * `npm run admin:grant -- <email>`: gives an existing user the `admin` custom claim — how the first
 * administrator is made. Locally (a `demo-` project, the default) it talks to the Auth emulator of
 * `npm start`; in the cloud, set GOOGLE_CLOUD_PROJECT and Application Default Credentials and it
 * talks to Identity Platform. The user signs in again to receive a token carrying the claim.
 */

const email = process.argv[2];
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error('usage: npm run admin:grant -- <email of an existing user>');
  process.exit(2);
}

const env = process.env;
env.GOOGLE_CLOUD_PROJECT ||= 'demo-crm-google-sync';
if (env.GOOGLE_CLOUD_PROJECT.startsWith('demo-')) env.FIREBASE_AUTH_EMULATOR_HOST ||= '127.0.0.1:9099';
// The Auth adapter reads the deployment's configuration, of which only the project matters here.
env.PUBLIC_BASE_URL ||= 'http://127.0.0.1:8080';

const { grantAdmin } = await import('../functions/src/adapters/auth/firebaseAuth.js');
try {
  const uid = await grantAdmin(email.toLowerCase());
  console.log(`${email} (uid ${uid}) is now an administrator; they must sign in again to use it.`);
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'auth/user-not-found'
      ? `No user with the email ${email}: they must sign in once first.`
      : `Could not grant admin to ${email}: ${(error as Error).message}`,
  );
  process.exit(1);
}
