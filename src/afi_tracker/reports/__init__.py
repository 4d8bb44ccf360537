"""What is derived from a store snapshot: progress and RAG, the publication pack, check, doctor."""
