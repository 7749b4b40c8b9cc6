"""``lucid.data``: datasets, samplers and the DataLoader (PyTorch's ``torch.utils.data`` shape).

    from lucid.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, generator=0)
    for xb, yb in loader:
        ...
"""

from lucid.data.collate import collate_numpy, default_collate, to_lucid
from lucid.data.dataloader import DataLoader
from lucid.data.dataset import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
    supports_batches,
)
from lucid.data.distributed_sampler import DistributedSampler
from lucid.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = ["DataLoader", "DistributedSampler",
           "Dataset", "IterableDataset", "TensorDataset", "Subset",
           "ConcatDataset", "random_split", "supports_batches", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "default_collate", "collate_numpy",
           "to_lucid"]
