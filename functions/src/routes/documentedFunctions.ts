import type { HttpFunctionSpec } from '../http/handler.js';

/**
 * Every HTTP function the OpenAPI document describes, in the order the deployment lists them
 * (functions/src/index.ts `HTTP_FUNCTIONS`; a test holds the two lists together). A new HTTP
 * function adds its spec here.
 */

// biome-ignore lint/suspicious/noExplicitAny: route tables of every function, whatever their context
type AnyFunctionSpec = HttpFunctionSpec<any>;

export async function documentedFunctions(api: AnyFunctionSpec): Promise<AnyFunctionSpec[]> {
  const [settings, oauthCallback, syncNow, syncTick, calendarWebhook] = await Promise.all([
    import('./settings/index.js'),
    import('./oauthCallback.js'),
    import('./syncNow.js'),
    import('./syncTick.js'),
    import('./calendarWebhook.js'),
  ]);
  return [
    api,
    settings.settingsFunction,
    oauthCallback.oauthCallbackFunction,
    syncNow.syncNowFunction,
    syncTick.syncTickFunction,
    calendarWebhook.calendarWebhookFunction,
  ];
}
