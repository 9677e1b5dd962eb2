"""Command handlers: thin shells that parse arguments, call services and print."""
