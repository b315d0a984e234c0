"""pactpool."""
