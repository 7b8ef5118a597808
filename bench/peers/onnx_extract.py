"""onnx's Extractor (the peer for cutting ONNX graphs) cutting a model into the splits olive-node made of it.

python3 onnx_extract.py MODEL.onnx OUR_SPLIT_DIR OUT_DIR [--as-shipped]

Debian's python3-onnx 1.12 cannot cut an IR 10 model as it comes: extract_model runs the checker (which refuses
IR 10) and Extractor runs shape inference on the whole model (which refuses a ModelProto over 2 GB and fails on
contrib operators). As the issue did: shape inference is patched out, and the boundary values' types, which it
would have inferred, are given from our own split files. Each part is saved with its weights in an external
data file, as ours are. --as-shipped leaves Extractor as it is (shape inference on, no types given).
"""
import json
import os
import sys

import onnx
import onnx.shape_inference
import onnx.utils


def main():
    model_path, ours, out_dir = sys.argv[1:4]
    as_shipped = "--as-shipped" in sys.argv
    if not as_shipped:
        onnx.shape_inference.infer_shapes = lambda model, *args, **kwargs: model
    model = onnx.load(model_path)
    stages = json.load(open(os.path.join(ours, "genai_config.json")))["model"]["decoder"]["pipeline"]
    boundary = {}
    for index in range(len(stages)):
        split = onnx.load(os.path.join(ours, f"split_{index}.onnx"), load_external_data=False)
        for info in list(split.graph.input) + list(split.graph.output):
            boundary[info.name] = info
    known = {info.name for info in model.graph.value_info}
    if not as_shipped:
        model.graph.value_info.extend(info for name, info in boundary.items() if name not in known)
    extractor = onnx.utils.Extractor(model)
    os.makedirs(out_dir, exist_ok=True)
    for index, stage in enumerate(stages):
        (config,) = stage.values()
        part = extractor.extract_model(config["inputs"], config["outputs"])
        onnx.save_model(part, os.path.join(out_dir, f"split_{index}.onnx"), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=f"split_{index}.onnx.data", size_threshold=1024)
        print(f"split_{index}: {len(part.graph.node)} nodes", flush=True)


main()
