"""Webhook delivery: signing and sending one event, and the worker that claims events from the
outbox and sends them. May import storage; never Flask."""
