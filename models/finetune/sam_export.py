"""The project's SAM-shaped decoder (sam_layout.py) → decoder.onnx with the contract export_medsam.py writes:
SAM's six decoder inputs, outputs low_res_masks [1,1,256,256] and iou_predictions [1,1] of mask token 0, the
same opset, exporter settings and post-export touches (models/export/export_medsam.py)."""
from __future__ import annotations

import warnings

import onnx
import torch

from export_medsam import MASK_INDEX, LOW_RES, OPSET, _exporter_options, decoder_example_feeds, finalize_onnx  # models/export
from onnx_tools import SAM_DECODER_INPUTS


class _Token0(torch.nn.Module):
    """SamSizedDecoder returns all four tokens (and full-size masks, which the contract leaves out): keep token 0."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        _, iou, low_res = self.decoder(image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size)
        return low_res[:, MASK_INDEX:MASK_INDEX + 1], iou[:, MASK_INDEX:MASK_INDEX + 1]


def export_sam_decoder(decoder, path: str) -> None:
    module = _Token0(decoder).eval()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's shape warnings; the tests compare the file's logits with torch's
        torch.onnx.export(
            module, decoder_example_feeds(), path, opset_version=OPSET, do_constant_folding=True,
            input_names=list(SAM_DECODER_INPUTS.values()), output_names=["low_res_masks", "iou_predictions"],
            dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
            **_exporter_options(),
        )
    finalize_onnx(path, {"medsam.exporter": "medsam-ohif models/finetune/sam_export.py", "medsam.torch": torch.__version__,
                         "medsam.opset": OPSET, "medsam.mask_index": MASK_INDEX},
                  {"low_res_masks": [1, 1, LOW_RES, LOW_RES], "iou_predictions": [1, 1]},
                  keep_inputs=[("orig_im_size", onnx.TensorProto.FLOAT, [2])])
