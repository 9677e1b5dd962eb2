"""Output-size formulas exactly as PyTorch computes them (integer arithmetic only)."""

from __future__ import annotations


def conv_output_length(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """floor((H + 2p − d(k−1) − 1)/s) + 1, as `torch.nn.Conv2d`."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def pool_output_length(size: int, kernel: int, stride: int, padding: int,
                       ceil_mode: bool = False, dilation: int = 1) -> int:
    """As PyTorch's `pooling_output_shape`: with ceil_mode the last window must start
    inside the input or its left padding, otherwise it is dropped."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    length = span // stride + 1
    if ceil_mode and (length - 1) * stride >= size + padding:
        length -= 1
    return length


def conv_transpose_output_length(size: int, kernel: int, stride: int, padding: int,
                                 output_padding: int = 0, dilation: int = 1) -> int:
    """(H−1)s − 2p + d(k−1) + output_padding + 1, as `torch.nn.ConvTranspose2d`."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def receptive_field_size(kernels: list[int], strides: list[int], dilations: list[int]) -> int:
    """1 + Σ_l d_l(k_l − 1)·∏_{i<l} s_i, with layer 1 nearest the input."""
    size, jump = 1, 1
    for kernel, stride, dilation in zip(kernels, strides, dilations):
        size += dilation * (kernel - 1) * jump
        jump *= stride
    return size
