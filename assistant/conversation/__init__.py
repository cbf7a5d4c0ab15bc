"""The conversation without a user interface: its state, its words and its turns.

Textual-free (tests/conversation/test_layer_imports.py proves it), so plain mode, the chat
screen and the served app share one conversation: `Conversation.handle` turns a typed line or a
chosen option into events, and each front end only renders them.
"""
