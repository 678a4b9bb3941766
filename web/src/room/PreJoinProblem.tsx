// What went wrong with the camera or microphone before joining, and what to do about it:
// one distinct message per cause.

import type { DeviceProblem } from './devices';

type Problem = DeviceProblem | 'no-webrtc';

const ADVICE: Record<Problem, { heading: string; text: string }> = {
  denied: {
    heading: 'Camera and microphone are blocked',
    text: 'Your browser does not let this site use them. Allow them with the camera icon in the address bar (or the site settings), then choose Try again. You can also join without them: you will see and hear the others and can chat.',
  },
  missing: {
    heading: 'No camera or microphone found',
    text: 'Plug one in (or turn it on), then choose Try again. You can also join without them: you will see and hear the others and can chat.',
  },
  'in-use': {
    heading: 'Camera or microphone in use',
    text: 'Another app is using it (another call, a recording tool). Close that app, then choose Try again, or join with it off.',
  },
  other: {
    heading: 'Camera or microphone could not start',
    text: 'Choose Try again. If it still fails, join with them off and turn them on in the room.',
  },
  'no-webrtc': {
    heading: 'This browser cannot join video calls',
    text: 'It has no WebRTC, which live sessions need. Open this page in a current Chrome, Edge, Firefox or Safari.',
  },
};

export function PreJoinProblem({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const { heading, text } = ADVICE[problem];
  return (
    <section className="prejoin-problem" role="alert" data-problem={problem} aria-labelledby="prejoin-problem-heading">
      <h2 id="prejoin-problem-heading">{heading}</h2>
      <p>{text}</p>
      {onRetry ? (
        <button type="button" className="button secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
}
