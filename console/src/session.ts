import { type FirebaseOptions, initializeApp } from 'firebase/app';
import {
  type Auth,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  getAuth,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut,
  type User,
} from 'firebase/auth';
import { texts } from './texts.js';

/**
 * Signing in with Firebase Authentication (docs/architecture.md#web-console). What to talk to comes from `config.json`
 * next to the console, which the local gateway serves with the Auth emulator's address; on Firebase
 * Hosting there is none, and the console takes Hosting's own `/__/firebase/init.json`
 * (https://firebase.google.com/docs/hosting/reserved-urls).
 */

export interface ConsoleConfig {
  /** `${PUBLIC_BASE_URL}`, so the administrator can copy the redirect URI. */
  publicBaseUrl: string;
  /** Whether the deployment enabled Google as a sign-in provider. */
  googleSignIn: boolean;
  firebase?: FirebaseOptions;
  /** `http://host:port` of the Auth emulator, locally. */
  authEmulatorUrl?: string;
}

/**
 * Without a `config.json` (Firebase Hosting), the functions sit on this origin (the Hosting
 * rewrites), the Firebase config is Hosting's, and Google sign-in is what the build was told
 * (`VITE_GOOGLE_SIGN_IN=true npm run build:console`).
 */
export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('config.json');
  const config: ConsoleConfig = response.ok
    ? ((await response.json()) as ConsoleConfig)
    : { publicBaseUrl: window.location.origin, googleSignIn: import.meta.env.VITE_GOOGLE_SIGN_IN === 'true' };
  config.firebase ??= (await (await fetch('/__/firebase/init.json')).json()) as FirebaseOptions;
  return config;
}

export class Session {
  readonly auth: Auth;

  constructor(config: ConsoleConfig) {
    this.auth = getAuth(initializeApp(config.firebase ?? {}));
    if (config.authEmulatorUrl)
      connectAuthEmulator(this.auth, config.authEmulatorUrl, { disableWarnings: true });
  }

  /** Calls `listener` with the user on every sign-in and with null on sign-out. */
  watch(listener: (user: User | null) => void): void {
    onAuthStateChanged(this.auth, listener);
  }

  async idToken(): Promise<string> {
    const user = this.auth.currentUser;
    if (!user) throw new Error(texts.signIn.title);
    return user.getIdToken();
  }

  /** A fresh token, so that a claim granted since the last sign-in (admin) is seen. */
  async refresh(): Promise<void> {
    await this.auth.currentUser?.getIdToken(true);
  }

  signIn(email: string, password: string) {
    return signInWithEmailAndPassword(this.auth, email, password);
  }

  createAccount(email: string, password: string) {
    return createUserWithEmailAndPassword(this.auth, email, password);
  }

  signInWithGoogle() {
    return signInWithPopup(this.auth, new GoogleAuthProvider());
  }

  signOut() {
    return signOut(this.auth);
  }
}

/** Firebase Auth's error codes (https://firebase.google.com/docs/auth/admin/errors) in words. */
export function signInErrorText(error: unknown): string {
  const code = (error as { code?: string }).code ?? 'unknown';
  if (
    ['auth/invalid-credential', 'auth/wrong-password', 'auth/user-not-found', 'auth/invalid-email'].includes(
      code,
    )
  )
    return texts.signIn.failed;
  if (code === 'auth/weak-password') return texts.signIn.weakPassword;
  if (code === 'auth/email-already-in-use') return texts.signIn.emailInUse;
  if (code === 'auth/operation-not-allowed') return texts.signIn.notAllowed;
  return texts.signIn.other(code);
}
