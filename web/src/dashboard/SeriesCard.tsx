// A series as one card: its title, how many meetings, an action for all of them, the meetings.

import type { ReactNode } from 'react';
import type { MeetingGroup } from './seriesGroups';

interface Props {
  group: MeetingGroup;
  /** Book all, cancel all: what applies to the whole series. */
  actions: ReactNode;
  children: ReactNode;
}

export function SeriesCard({ group, actions, children }: Props) {
  const id = `series-${group.sessionId}-title`;
  return (
    <div className="series-card" role="group" aria-labelledby={id} data-session={group.sessionId}>
      <div className="series-head">
        <h3 id={id} className="series-title">
          {group.title} <span className="series-count">· series of {group.meetings.length} meetings</span>
        </h3>
        <div className="actions">{actions}</div>
      </div>
      <ul className="list">{children}</ul>
    </div>
  );
}
