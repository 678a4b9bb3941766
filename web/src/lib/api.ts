// The one way the page talks to the API: same-origin fetch with the sign-in cookie, the
// CSRF header on writes, and the API's one error shape turned into an ApiError.

const CSRF_COOKIE = 'colearn_csrf';
/** Sent on the window when the API refuses because the address is not verified yet. */
export const EMAIL_NOT_VERIFIED_EVENT = 'colearn:email-not-verified';
const EMAIL_NOT_VERIFIED =
  'Verify your email address first: open the link we mailed you when you signed up, or press ' +
  '"Send again" at the top of the page for a new one.';
const CSRF_HEADER = 'X-CSRF-Token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the server has no such route (an endpoint not deployed yet). */
  get routeMissing(): boolean {
    return this.status === 404 && this.message === 'There is nothing at this address.';
  }
}

function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code && body.error.message) {
      return new ApiError(response.status, body.error.code, body.error.message);
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status}.`);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'offline', 'Cannot reach Co~Learn. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (error.code === 'email_not_verified') window.dispatchEvent(new Event(EMAIL_NOT_VERIFIED_EVENT));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

export function messageOf(error: unknown): string {
  // the server's words name the API operation; on the page, the banner's button does it
  if (error instanceof ApiError && error.code === 'email_not_verified') return EMAIL_NOT_VERIFIED;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
