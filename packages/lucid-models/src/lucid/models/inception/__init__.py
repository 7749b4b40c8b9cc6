"""The Inception family: ``inception_v1`` (GoogLeNet), ``inception_v3``, ``inception_v4``."""

from lucid.models.inception.v1 import GoogLeNet, GoogLeNetOutputs, inception_v1
from lucid.models.inception.v3 import Inception3, InceptionOutputs, inception_v3
from lucid.models.inception.v4 import InceptionV4, inception_v4

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "Inception3", "InceptionOutputs", "InceptionV4",
           "inception_v1", "inception_v3", "inception_v4"]
