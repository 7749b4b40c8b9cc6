"""``lucid.models``: a registry of model factories and the LeNet and ResNet families."""

from lucid.models.lenet import LeNet, lenet_1, lenet_4, lenet_5
from lucid.models.registry import create_model, get_model_factory, list_models, register_model
from lucid.models.resnet import ResNet, resnet_18, resnet_34, resnet_50, resnet_101, resnet_152
from lucid.models.resnet_blocks import BasicBlock, Bottleneck

__all__ = ["LeNet", "ResNet", "BasicBlock", "Bottleneck", "create_model", "get_model_factory",
           "list_models", "register_model", "lenet_1", "lenet_4", "lenet_5", "resnet_18",
           "resnet_34", "resnet_50", "resnet_101", "resnet_152"]
