"""The layer classes of ``torch.nn``."""
