import { createHttpFunction } from '../http/handler.js';
import { oauthCallbackFunction } from '../routes/oauthCallback.js';

/** `oauthCallback`: where Google redirects the browser after consent (docs/behaviour.md#linking). */
export default createHttpFunction(oauthCallbackFunction);
