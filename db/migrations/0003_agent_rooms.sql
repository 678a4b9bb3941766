-- Agent: chat, presence, vocabulary: filled in by the agent work (issue 5).
SELECT 1;
