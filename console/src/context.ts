import type { Api } from './api.js';
import type { Me } from './model.js';
import type { ConsoleConfig } from './session.js';

/** What every page is given: the API as the signed-in user, who that is, and the console's config. */
export interface PageContext {
  api: Api;
  me: Me;
  config: ConsoleConfig;
  /** A message to show on top of the page once (the outcome of the OAuth round trip). */
  notice?: { text: string; error: boolean };
}

export type Page = (context: PageContext) => Promise<HTMLElement>;
