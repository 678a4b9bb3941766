// Chat messages from others that arrived while the chat was not on screen: the badge count.

import { type useChat, useLocalParticipant } from '@livekit/components-react';
import { useEffect, useState } from 'react';

type Messages = ReturnType<typeof useChat>['chatMessages'];

export function useUnreadChat(messages: Messages, seeing: boolean): number {
  const { localParticipant } = useLocalParticipant();
  const fromOthers = messages.filter((m) => m.from?.identity !== localParticipant.identity).length;
  const [read, setRead] = useState(fromOthers);
  useEffect(() => {
    if (seeing) setRead(fromOthers);
  }, [seeing, fromOthers]);
  return seeing ? 0 : Math.max(0, fromOthers - read);
}
