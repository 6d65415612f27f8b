"""The wrapper's exceptions: each message names the file and, for metadata, the field, and says what to do."""


class WrapperError(Exception):
    """Anything the wrapper refuses: bad metadata, a model that does not match it, an unreadable image."""


class MetadataError(WrapperError):
    """metadata.json is missing, is not JSON, or lacks (or mis-types) a field the wrapper needs."""


class ModelOutputError(WrapperError):
    """The model's outputs do not have the shapes its metadata.json describes: no boxes are guessed from them."""


class ImageError(WrapperError):
    """A file that is not an image OpenCV can read."""


class ModelFileError(WrapperError):
    """The model file is missing or of a format the wrapper does not run."""
