"""What both front ends show: view models, LaTeX as Unicode, answer views.

The TUI (``flashdl.tui``) and the line mode (``flashdl.commands``) both depend
on this package and never on each other. Pure formatting: no Textual, no SQL.
"""
