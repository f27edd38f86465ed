"""A residual U-Net in Keras, its loss and metrics.

Small on purpose: it has to run on a 2-core CPU in well under 150 ms per crop, and it only
ever sees one hand at a time, so it needs less capacity than a whole-scene model.
"""
from __future__ import annotations

from typing import Sequence

import keras
from keras import layers, ops


def _res_block(x, filters: int, dropout: float, name: str):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{name}_proj")(x)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_c1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_r1")(y)
    if dropout > 0:
        y = layers.SpatialDropout2D(dropout, name=f"{name}_drop")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_c2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def build_unet(
    input_shape: tuple[int, int] = (256, 256),
    filters: Sequence[int] = (16, 32, 64, 128, 192),
    dropout: float = 0.1,
    name: str = "hand_unet",
    channels: int = 3,
) -> keras.Model:
    """Residual U-Net: RGB uint8-range float input ``(H, W, 3)`` -> sigmoid mask ``(H, W, 1)``.

    Normalisation is inside the model so callers feed raw 0-255 pixels and cannot get it wrong.
    H and W must be divisible by ``2 ** (len(filters) - 1)``. ``channels=4`` adds the landmark
    hint (0-255, :mod:`segmentation.hint`) as a fourth input channel.
    """
    inputs = keras.Input(shape=(*input_shape, channels), name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="normalise")(inputs)
    skips = []
    for i, f in enumerate(filters[:-1]):
        x = _res_block(x, f, dropout if i > 0 else 0.0, f"enc{i}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = _res_block(x, filters[-1], dropout * 2, "bottleneck")
    for i, f in reversed(list(enumerate(filters[:-1]))):
        x = layers.UpSampling2D(2, interpolation="bilinear", name=f"up{i}")(x)
        x = layers.Concatenate(name=f"cat{i}")([x, skips[i]])
        x = _res_block(x, f, 0.0, f"dec{i}")
    outputs = layers.Conv2D(1, 1, activation="sigmoid", name="mask", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name)


def widen_input(source: keras.Model, target: keras.Model) -> None:
    """Copy ``source``'s weights into ``target``, which takes more input channels.

    The kernels that read the input get zeros for the new channels, so ``target`` starts out
    computing exactly what ``source`` did and training only has to learn what the new channel
    adds (how a fine-tune of the shipped RGB model learns to use the landmark hint).
    """
    weighted = lambda m: {layer.name for layer in m.layers if layer.weights}  # noqa: E731
    if weighted(source) != weighted(target):
        raise ValueError(f"cannot widen: the layers differ ({sorted(weighted(source) ^ weighted(target))})")
    for layer in target.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        old = source.get_layer(layer.name).get_weights()
        new = []
        for w_new, w_old in zip(weights, old):
            if w_new.shape == w_old.shape:
                new.append(w_old)
            elif w_new.ndim == 4 and w_new.shape[:2] + w_new.shape[3:] == w_old.shape[:2] + w_old.shape[3:]:
                grown = w_new * 0.0
                grown[:, :, : w_old.shape[2], :] = w_old
                new.append(grown)
            else:
                raise ValueError(f"layer {layer.name}: cannot widen {w_old.shape} to {w_new.shape}")
        layer.set_weights(new)


def dice_loss(y_true, y_pred, smooth: float = 1.0):
    y_true = ops.cast(y_true, y_pred.dtype)
    axes = (1, 2, 3)
    inter = ops.sum(y_true * y_pred, axis=axes)
    denom = ops.sum(y_true, axis=axes) + ops.sum(y_pred, axis=axes)
    return 1.0 - (2.0 * inter + smooth) / (denom + smooth)


def bce_dice_loss(y_true, y_pred):
    """BCE for per-pixel calibration plus Dice so thin fingers are not drowned by background."""
    y_true = ops.cast(y_true, y_pred.dtype)
    bce = ops.mean(keras.losses.binary_crossentropy(y_true, y_pred), axis=(1, 2))
    return bce + dice_loss(y_true, y_pred)


def edge_band(y_true, band_px: int):
    """1 on pixels within ``band_px`` of the mask's edge (either side), else 0.

    Dilation minus erosion by max-pooling, so it runs in the graph on any batch and needs no
    extra channel from the data pipeline.
    """
    k = 2 * band_px + 1
    dilated = ops.max_pool(y_true, pool_size=k, strides=1, padding="same")
    eroded = -ops.max_pool(-y_true, pool_size=k, strides=1, padding="same")
    return dilated - eroded


@keras.saving.register_keras_serializable(package="handcut")
class EdgeWeightedLoss(keras.losses.Loss):
    """BCE + Dice plus ``weight`` x the BCE averaged over the band along the label's edge.

    Boundary F1 counts a contour pixel as right only within about 2 px of the true one, and
    plain BCE + Dice spends almost all of its gradient on pixels far from the edge, which are
    easy. The extra term is the mean cross-entropy of the edge band alone, so a crop with a
    long finger outline and one with a fist weigh the same. ``weight=0`` is ``bce_dice_loss``.
    """

    def __init__(self, weight: float = 1.0, band_px: int = 3, name: str = "edge_weighted_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.weight = float(weight)
        self.band_px = int(band_px)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        base = bce_dice_loss(y_true, y_pred)
        if self.weight == 0:
            return base
        band = edge_band(y_true, self.band_px)[..., 0]
        bce = keras.losses.binary_crossentropy(y_true, y_pred)
        edge = ops.sum(band * bce, axis=(1, 2)) / (ops.sum(band, axis=(1, 2)) + 1.0)
        return base + self.weight * edge

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "band_px": self.band_px}


class BinaryIoU(keras.metrics.Metric):
    """Mean over the batch of per-image IoU at threshold 0.5 (empty-vs-empty counts as 1)."""

    def __init__(self, name: str = "iou", threshold: float = 0.5, **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = ops.cast(y_true > 0.5, "float32")
        p = ops.cast(y_pred > self.threshold, "float32")
        inter = ops.sum(t * p, axis=(1, 2, 3))
        union = ops.sum(ops.maximum(t, p), axis=(1, 2, 3))
        iou = ops.where(union > 0, inter / ops.maximum(union, 1.0), 1.0)
        self.total.assign_add(ops.sum(iou))
        self.count.assign_add(ops.cast(ops.shape(iou)[0], "float32"))

    def result(self):
        return self.total / ops.maximum(self.count, 1.0)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


CUSTOM_OBJECTS = {
    "bce_dice_loss": bce_dice_loss, "dice_loss": dice_loss, "BinaryIoU": BinaryIoU,
    "EdgeWeightedLoss": EdgeWeightedLoss,
}


def load_keras_model(path) -> keras.Model:
    """A saved U-Net for inference: our custom loss and metric resolved, no optimizer state."""
    return keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS, compile=False)
