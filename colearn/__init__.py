"""Shared pieces of Co~Learn: configuration, wire constants and the local stack launcher."""
