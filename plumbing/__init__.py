"""Plumbing that several apps need and no app owns: errors that carry a sentence, tokens, signed URLs,
file responses, uploads, fetching, rate limits, enqueueing tasks. It imports no app of ours."""
