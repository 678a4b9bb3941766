// User Timing marks for the join benchmark (bench/web_join.py) and anyone profiling:
// the Join link sets the first, the room the other two.

export const JOIN_CLICK = 'colearn:join-click';
export const LOCAL_VIDEO = 'colearn:local-video-published';
export const REMOTE_VIDEO = 'colearn:remote-video-playing';

export function markOnce(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

export function markJoinClick(): void {
  for (const name of [JOIN_CLICK, LOCAL_VIDEO, REMOTE_VIDEO]) performance.clearMarks(name);
  performance.mark(JOIN_CLICK);
}

export type RoomWindow = { kind: 'before'; opensAt: number } | { kind: 'open' } | { kind: 'ended' };

/** Where a room stands: `opens` is the occurrence's `room_opens_at`, from the API's join window
 * (COLEARN_JOIN_WINDOW_MINUTES; api/room_access.py refuses earlier with too_early). */
export function roomWindow(opens: string, endsAt: string, now: number = Date.now()): RoomWindow {
  const opensAt = new Date(opens).getTime();
  if (now < opensAt) return { kind: 'before', opensAt };
  if (now >= new Date(endsAt).getTime()) return { kind: 'ended' };
  return { kind: 'open' };
}
