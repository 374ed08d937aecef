import { createHttpFunction } from '../http/handler.js';
import { settingsFunction } from '../routes/settings/index.js';

/** `settings`: administrator settings (SPEC §3.1, §4.3). */
export default createHttpFunction(settingsFunction);
