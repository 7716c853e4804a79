"""Conversations: what people say (sentiment, topics, brands, questions) and how it trends."""
