"""Live captions: each microphone transcribed with Whisper, published as LiveKit transcriptions."""
