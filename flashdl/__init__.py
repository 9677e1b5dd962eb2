"""flashdl: spaced-repetition flashcards for deep-learning students, in the terminal."""

__version__ = "0.1.0"
