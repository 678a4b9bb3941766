// Times as people read them: in their own time zone, with the session's zone when it differs.

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const zoned = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const zonedTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** "Mon, 7 Dec, 18:30–19:30 GMT+1": the date, and the viewer's time zone, always said. */
export function when(startsAt: string, endsAt?: string): string {
  const start = new Date(startsAt);
  if (!endsAt) return zoned.format(start);
  return `${dateTime.format(start)}–${zonedTime.format(new Date(endsAt))}`;
}

/** How long until a moment, coarsely: "2 d 3 h", "1 h 05 min", "4 min", "under a minute". */
export function countdown(ms: number): string {
  const totalMinutes = Math.ceil(ms / 60000);
  if (totalMinutes <= 1) return 'under a minute';
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const mins = totalMinutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(mins).padStart(2, '0')} min`;
  return `${mins} min`;
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
