// Times as people read them: in their own time zone, with the session's zone when it differs.

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function when(startsAt: string, endsAt?: string): string {
  const start = new Date(startsAt);
  const text = dateTime.format(start);
  return endsAt ? `${text}–${timeOnly.format(new Date(endsAt))}` : text;
}

export function clock(at: string | number): string {
  return timeOnly.format(new Date(at));
}

export function minutes(seconds: number): string {
  const whole = Math.round(seconds / 60);
  return whole < 1 ? 'under a minute' : `${whole} min`;
}

export function seatsText(left: number, capacity: number): string {
  if (left <= 0) return `Full (${capacity} seats)`;
  return `${left} of ${capacity} seat${capacity === 1 ? '' : 's'} left`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
