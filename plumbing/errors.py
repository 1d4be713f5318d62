class ExplainedError(Exception):
    """An error whose message is a sentence a person can act on; pages show `message` as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
