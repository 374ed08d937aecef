import { texts } from './texts.js';

/**
 * The product's HTTP API (docs/api.md), on the console's own origin: the gateway locally, Firebase
 * Hosting's rewrites in the cloud. Same-origin requests carry cookies, which the linking flow's
 * browser binding needs (docs/behaviour.md#oauth-callback). Every failure becomes an ApiError with the envelope's words.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `details.fields` of a 400: the API field path → what is wrong with it. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ListPage<T> {
  items: T[];
  nextPageToken?: string;
}

export type TokenSource = () => Promise<string>;

export class Api {
  constructor(private readonly idToken: TokenSource) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          authorization: `Bearer ${await this.idToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', texts.errors.network);
    }
    const text = await response.text();
    const json = text ? safeParse(text) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; details?: { fields?: object } } })
        ?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'unknown',
        error?.message ?? texts.errors.status(response.status),
        (error?.details?.fields ?? {}) as Record<string, string>,
      );
    }
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** Every page of a list endpoint (docs/api.md lists), with the largest page size. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const tokenPart = pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : '';
      const page = await this.get<ListPage<T>>(`${path}${separator}pageSize=1000${tokenPart}`);
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
