// Names shared with the agent and every LiveKit client (colearn/wire.py).
export const AGENT_IDENTITY = 'colearn-agent';
export const ATTR_ROLE = 'colearn.role';
