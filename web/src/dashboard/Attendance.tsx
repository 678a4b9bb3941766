import { useResource } from '../lib/useResource';
import { readBacklog } from '../lib/events';
import { minutes, when } from '../lib/format';
import { Alert } from '../components/Alert';
import { applyPresence, type PresenceBook, secondsPresent } from './presence';

/** Who came to a finished meeting, when they first arrived and how long they stayed. */
export function Attendance({ occurrenceId }: { occurrenceId: number }) {
  const stays = useResource(async () => {
    const events = await readBacklog([occurrenceId]);
    return events.reduce<PresenceBook>((book, event) => applyPresence(book, event), new Map());
  }, [occurrenceId]);
  const people = [...(stays.data?.values() ?? [])].filter((s) => s.identity !== 'colearn-agent');
  const now = Date.now();
  return (
    <div>
      <h4>Attendance</h4>
      <Alert>{stays.error}</Alert>
      {stays.data && people.length === 0 ? <p>Nobody joined the room.</p> : null}
      {people.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">First joined</th>
              <th scope="col">Time in room</th>
            </tr>
          </thead>
          <tbody>
            {people.map((stay) => (
              <tr key={stay.identity}>
                <td>{stay.name}</td>
                <td>{when(stay.firstJoined)}</td>
                <td>{minutes(secondsPresent(stay, now))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
