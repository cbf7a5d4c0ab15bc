"""The Textual front end: the chat app, its screens and widgets. Only this package imports Textual."""
