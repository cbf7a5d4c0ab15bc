"""Screens of the chat app: the conversation, the outcome and the review of answers."""
