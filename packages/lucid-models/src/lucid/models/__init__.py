"""``lucid.models``: a registry of model factories and the LeNet and ResNet families."""

from lucid.models.alexnet import *  # noqa: F403
from lucid.models.alexnet import __all__ as _alexnet
from lucid.models.convnext import *  # noqa: F403
from lucid.models.convnext import __all__ as _convnext
from lucid.models.convnext_v2 import *  # noqa: F403
from lucid.models.convnext_v2 import __all__ as _convnext_v2
from lucid.models.cspnet import *  # noqa: F403
from lucid.models.cspnet import __all__ as _cspnet
from lucid.models.densenet import *  # noqa: F403
from lucid.models.densenet import __all__ as _densenet
from lucid.models.efficientnet import *  # noqa: F403
from lucid.models.efficientnet import __all__ as _efficientnet
from lucid.models.inception import *  # noqa: F403
from lucid.models.inception import __all__ as _inception
from lucid.models.inception_next import *  # noqa: F403
from lucid.models.inception_next import __all__ as _inception_next
from lucid.models.inception_res import *  # noqa: F403
from lucid.models.inception_res import __all__ as _inception_res
from lucid.models.lenet import LeNet, lenet_1, lenet_4, lenet_5
from lucid.models.mobilenet import *  # noqa: F403
from lucid.models.mobilenet import __all__ as _mobilenet
from lucid.models.mobilenet_v2 import *  # noqa: F403
from lucid.models.mobilenet_v2 import __all__ as _mobilenet_v2
from lucid.models.mobilenet_v3 import *  # noqa: F403
from lucid.models.mobilenet_v3 import __all__ as _mobilenet_v3
from lucid.models.mobilenet_v4 import *  # noqa: F403
from lucid.models.mobilenet_v4 import __all__ as _mobilenet_v4
from lucid.models.registry import create_model, get_model_factory, list_models, register_model
from lucid.models.resnest import *  # noqa: F403
from lucid.models.resnest import __all__ as _resnest
from lucid.models.resnet import *  # noqa: F403
from lucid.models.resnet import ResNet, resnet_18, resnet_34, resnet_50, resnet_101, resnet_152
from lucid.models.resnet import __all__ as _resnet
from lucid.models.resnet_blocks import BasicBlock, Bottleneck
from lucid.models.resnet_preact import *  # noqa: F403
from lucid.models.resnet_preact import __all__ as _resnet_preact
from lucid.models.resnext import *  # noqa: F403
from lucid.models.resnext import __all__ as _resnext
from lucid.models.senet import *  # noqa: F403
from lucid.models.senet import __all__ as _senet
from lucid.models.sknet import *  # noqa: F403
from lucid.models.sknet import __all__ as _sknet
from lucid.models.summary import LayerInfo, ModelSummary, summarize
from lucid.models.vgg import *  # noqa: F403
from lucid.models.vgg import __all__ as _vgg
from lucid.models.xception import *  # noqa: F403
from lucid.models.xception import __all__ as _xception
from lucid.models.zfnet import *  # noqa: F403
from lucid.models.zfnet import __all__ as _zfnet

__all__ = ["LeNet", "ResNet", "BasicBlock", "Bottleneck", "create_model", "get_model_factory",
           "list_models", "register_model", "lenet_1", "lenet_4", "lenet_5", "resnet_18",
           "resnet_34", "resnet_50", "resnet_101", "resnet_152"]
__all__ += [n for n in (*_alexnet, *_zfnet, *_vgg, *_resnet, *_resnet_preact, *_resnext,
                       *_senet, *_sknet, *_resnest, *_densenet) if n not in __all__]
# inception-style zoo
__all__ += [*_inception, *_inception_res, *_xception, *_cspnet]
__all__ += ["summarize", "ModelSummary", "LayerInfo"]
# weights enums, importable from here as from torchvision.models (ResNet_50_Weights, ...)
from lucid.weights.entries import *  # noqa: E402, F403
from lucid.weights.entries import __all__ as _weights  # noqa: E402

__all__ += [n for n in _weights if n not in __all__]
# mobile/efficient/ConvNeXt zoo
__all__ += [*_convnext, *_convnext_v2, *_efficientnet, *_inception_next, *_mobilenet,
            *_mobilenet_v2, *_mobilenet_v3, *_mobilenet_v4]
# transformers and hybrids II (issue 14)
from lucid.models.efficientformer import *  # noqa: E402, F403
from lucid.models.efficientformer import __all__ as _efficientformer  # noqa: E402
from lucid.models.maxxvit import *  # noqa: E402, F403
from lucid.models.maxxvit import __all__ as _maxxvit  # noqa: E402
from lucid.models.transformer import *  # noqa: E402, F403
from lucid.models.transformer import __all__ as _transformer  # noqa: E402

__all__ += [*_transformer, *_efficientformer, *_maxxvit]
# vision transformers (issue 14, first half)
from lucid.models.crossvit import *  # noqa: E402, F403
from lucid.models.crossvit import __all__ as _crossvit  # noqa: E402
from lucid.models.cvt import *  # noqa: E402, F403
from lucid.models.cvt import __all__ as _cvt  # noqa: E402
from lucid.models.pvt import *  # noqa: E402, F403
from lucid.models.pvt import __all__ as _pvt  # noqa: E402
from lucid.models.pvt_v2 import *  # noqa: E402, F403
from lucid.models.pvt_v2 import __all__ as _pvt_v2  # noqa: E402
from lucid.models.swin import *  # noqa: E402, F403
from lucid.models.swin import __all__ as _swin  # noqa: E402
from lucid.models.vit import *  # noqa: E402, F403
from lucid.models.vit import __all__ as _vit  # noqa: E402

__all__ += [*_vit, *_swin, *_pvt, *_pvt_v2, *_crossvit, *_cvt]
# YOLO detectors (issue 17, second half)
from lucid.models.yolo import *  # noqa: E402, F403
from lucid.models.yolo import __all__ as _yolo  # noqa: E402

__all__ += [*_yolo]
from lucid.models.efficientdet import *  # noqa: E402, F403
from lucid.models.efficientdet import __all__ as _efficientdet  # noqa: E402

__all__ += [*_efficientdet]
from lucid.models.detection.faster_rcnn import *  # noqa: E402, F403
from lucid.models.detection.faster_rcnn import __all__ as _faster_rcnn  # noqa: E402

__all__ += [*_faster_rcnn]
from lucid.models.detection.detr import *  # noqa: E402, F403
from lucid.models.detection.detr import __all__ as _detr  # noqa: E402

__all__ += [*_detr]
