"""The Co~Learn agent: a livekit-agents worker that joins every room."""
