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
