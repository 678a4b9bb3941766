// A message a person should notice: errors are announced at once, notes politely.

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'info'; children: string | null }) {
  if (!children) return null;
  return (
    <p className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
