import { createHttpFunction } from '../http/handler.js';
import { settingsFunction } from '../routes/settings/index.js';

/** `settings`: administrator settings (docs/operations.md#administrator-setup, docs/api.md). */
export default createHttpFunction(settingsFunction);
