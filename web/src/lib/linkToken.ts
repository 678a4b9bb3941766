// The token of a link mailed to someone (verify the address, set a new password).
// Our mails put it after the '#', which a browser never sends to a server (so it is in
// nobody's access log); `?token=` works too, for links made by other clients.

export function linkToken(): string {
  const hash = window.location.hash.replace(/^#/, '');
  const fromHash = hash.startsWith('token=') ? new URLSearchParams(hash).get('token') : hash;
  const raw = fromHash || new URLSearchParams(window.location.search).get('token') || '';
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}
