"""Detection models and their box operations (``lucid.models.detection.ops``)."""
