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

/** Minutes before the start from which a room lets people in: the API's
 * COLEARN_JOIN_WINDOW_MINUTES default (api/room_access.py refuses earlier with too_early). */
export const JOIN_WINDOW_MINUTES = 15;

export type RoomWindow = { kind: 'before'; opensAt: number } | { kind: 'open' } | { kind: 'ended' };

export function roomWindow(startsAt: string, endsAt: string, now: number = Date.now()): RoomWindow {
  const opensAt = new Date(startsAt).getTime() - JOIN_WINDOW_MINUTES * 60000;
  if (now < opensAt) return { kind: 'before', opensAt };
  if (now >= new Date(endsAt).getTime()) return { kind: 'ended' };
  return { kind: 'open' };
}
