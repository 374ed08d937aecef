import { createHttpFunction, type RequestContext } from '../http/handler.js';
import { oauthCallbackRoutes } from '../routes/oauthCallback.js';

/** `oauthCallback`: where Google redirects the browser after consent (SPEC §3.2). */
export default createHttpFunction<RequestContext>({
  name: 'oauthCallback',
  access: 'public',
  routes: [...oauthCallbackRoutes],
});
