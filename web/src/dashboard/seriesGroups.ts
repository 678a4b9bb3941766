// Meetings of one session side by side: a series is shown as one card with its meetings inside.

import type { Occurrence } from '../lib/types';

export interface MeetingGroup {
  sessionId: number;
  title: string;
  meetings: Occurrence[];
}

/** Groups in the order their first meeting comes; meetings keep their order. */
export function groupBySession(items: readonly Occurrence[]): MeetingGroup[] {
  const groups = new Map<number, MeetingGroup>();
  for (const occurrence of items) {
    const group = groups.get(occurrence.session_id);
    if (group) group.meetings.push(occurrence);
    else groups.set(occurrence.session_id, { sessionId: occurrence.session_id, title: occurrence.title, meetings: [occurrence] });
  }
  return [...groups.values()];
}
