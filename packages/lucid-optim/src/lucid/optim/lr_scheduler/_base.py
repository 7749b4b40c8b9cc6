"""x"""
class LRScheduler:
    pass
