// The library's GridLayout, paged on a small screen, with page buttons a screen reader can
// name (the library's are bare arrow icons: axe "button-name", critical).

import { TrackLoop, useGridLayout, usePagination, useSwipe, type TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { type ReactNode, type RefObject, useRef } from 'react';

export function PagedGrid({ tracks, children }: { tracks: TrackReferenceOrPlaceholder[]; children: ReactNode }) {
  const grid = useRef<HTMLDivElement>(null);
  const { layout } = useGridLayout(grid as RefObject<HTMLDivElement>, tracks.length);
  const pages = usePagination(layout.maxTiles, tracks);
  useSwipe(grid as RefObject<HTMLDivElement>, { onLeftSwipe: pages.nextPage, onRightSwipe: pages.prevPage });
  const paged = tracks.length > layout.maxTiles;
  return (
    <div ref={grid} className="lk-grid-layout video-grid" data-lk-pagination={pages.totalPageCount > 1}>
      <TrackLoop tracks={pages.tracks}>{children}</TrackLoop>
      {paged ? (
        <div className="lk-pagination-control" data-lk-user-interaction="true">
          <button type="button" className="lk-button" aria-label="Previous videos" onClick={pages.prevPage}>
            <span aria-hidden="true">‹</span>
          </button>
          <span className="lk-pagination-count">{`${pages.currentPage} of ${pages.totalPageCount}`}</span>
          <button type="button" className="lk-button" aria-label="Next videos" onClick={pages.nextPage}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}
