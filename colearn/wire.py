"""Names shared with every LiveKit client: topics, identities, attributes."""

AGENT_IDENTITY = "colearn-agent"
AGENT_NAME = "Co~Learn"

CHAT_TOPIC = "lk.chat"
LEGACY_CHAT_TOPIC = "lk-chat-topic"
TRANSCRIPTION_TOPIC = "lk.transcription"

ATTR_ROLE = "colearn.role"

# RPC method on the agent that returns a room's earlier chat (README, "Chat history").
HISTORY_RPC_METHOD = "colearn.chat.history"
