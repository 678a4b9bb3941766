// A count of chat messages not seen yet, read out with the button's name.

export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="unread-badge" data-unread={count}>
      <span aria-hidden="true">{count > 9 ? '9+' : count}</span>
      <span className="visually-hidden">, {count} unread</span>
    </span>
  );
}
