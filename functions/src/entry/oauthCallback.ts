import { createHttpFunction } from '../http/handler.js';
import { oauthCallbackFunction } from '../routes/oauthCallback.js';

/** `oauthCallback`: where Google redirects the browser after consent (SPEC §3.2). */
export default createHttpFunction(oauthCallbackFunction);
