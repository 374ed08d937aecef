import { FUNCTIONS } from './deployment.js';

/**
 * Firebase Hosting for the web console (docs/architecture.md#web-console): the Vite build under `/app/`, and rewrites that
 * put every public HTTP function on the console's own origin, so the console calls `/api`,
 * `/settings`, `/syncNow` and Google returns to `/oauthCallback` without CORS and with the browser
 * binding cookie of docs/behaviour.md#oauth-callback in scope. Rewrites keep the path, which is why each function accepts its
 * own name as prefix (docs/api.md). Functions that check no token themselves (syncTick, syncUser) are left
 * out: only IAM guards them. Rewrite format: https://firebase.google.com/docs/hosting/full-config#rewrite-functions
 */

export const HOSTING_PUBLIC_DIR = 'console/dist';
/** The config `infra/deploy.ts` writes for `firebase deploy --only hosting` (the region varies). */
export const HOSTING_DEPLOY_CONFIG = 'firebase.deploy.json';

export function hostingConfig(region: string) {
  const publicFunctions = FUNCTIONS.filter((fn) => fn.trigger.kind === 'http' && fn.trigger.public);
  return {
    public: HOSTING_PUBLIC_DIR,
    ignore: ['**/.*'],
    redirects: [{ source: '/', destination: '/app/', type: 302 }],
    rewrites: [
      ...publicFunctions.flatMap((fn) =>
        [`/${fn.name}`, `/${fn.name}/**`].map((source) => ({
          source,
          function: { functionId: fn.name, region },
        })),
      ),
      // The console routes by the URL's hash; any other path below /app/ is its index.
      { source: '/app/**', destination: '/app/index.html' },
    ],
    headers: [{ source: '/app/index.html', headers: [{ key: 'Cache-Control', value: 'no-cache' }] }],
  };
}
