import { createHttpFunction } from '../http/handler.js';
import { apiFunction } from '../routes/api/index.js';

/** `api`: the CRM data REST API and the user's self-service (docs/api.md). */
export default createHttpFunction(apiFunction);
