"""Everything that knows Kafka and not articles: batches, publishing, commits, dead letters, health."""
