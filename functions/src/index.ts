import type { CloudEvent } from '@google-cloud/functions-framework';
import { cloudEvent, http } from '@google-cloud/functions-framework';
import type { Request, Response } from 'express';
import { installFrameworkErrorEnvelope } from './http/frameworkErrors.js';

/**
 * The `main` module that Cloud Functions loads for every function of the deployment (docs/architecture.md#functions-and-state).
 * Each function's code, and the client libraries it needs, is imported on its first request only,
 * so a function's cold start carries only what that function uses.
 */

installFrameworkErrorEnvelope();

type HttpHandler = (req: Request, res: Response) => Promise<void>;
type EventHandler = (event: CloudEvent<unknown>) => Promise<void>;

function lazy<Handler>(load: () => Promise<{ default: Handler }>): () => Promise<Handler> {
  let loaded: Promise<Handler> | undefined;
  return () => {
    loaded ??= load().then((module) => module.default);
    return loaded;
  };
}

function lazyHttp(load: () => Promise<{ default: HttpHandler }>): HttpHandler {
  const handler = lazy(load);
  return async (req, res) => (await handler())(req, res);
}

function lazyEvent(load: () => Promise<{ default: EventHandler }>): EventHandler {
  const handler = lazy(load);
  return async (event) => (await handler())(event);
}

http(
  'api',
  lazyHttp(() => import('./entry/api.js')),
);
http(
  'settings',
  lazyHttp(() => import('./entry/settings.js')),
);
http(
  'oauthCallback',
  lazyHttp(() => import('./entry/oauthCallback.js')),
);
http(
  'syncNow',
  lazyHttp(() => import('./entry/syncNow.js')),
);
http(
  'syncTick',
  lazyHttp(() => import('./entry/syncTick.js')),
);
http(
  'calendarWebhook',
  lazyHttp(() => import('./entry/calendarWebhook.js')),
);
cloudEvent(
  'syncUser',
  lazyEvent(() => import('./entry/syncUser.js')),
);

/** The HTTP functions, in the order docs/architecture.md#functions-and-state lists them; the local gateway serves each of them. */
export const HTTP_FUNCTIONS = [
  'api',
  'settings',
  'oauthCallback',
  'syncNow',
  'syncTick',
  'calendarWebhook',
] as const;
export const EVENT_FUNCTIONS = ['syncUser'] as const;
