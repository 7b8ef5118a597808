// olive-node's ONNX split path as the package ships it: node split-onnx.mjs MODEL.onnx LAYERS SPLITS OUT_DIR
import { planEqualSplits, splitModel } from '../../dist/index.js';

const [modelPath, layers, splits, outDir] = process.argv.slice(2);
const result = await splitModel({ modelPath, plan: planEqualSplits(Number(layers), Number(splits)), outDir, validate: false });
console.log(`${result.splits.length} splits written to ${outDir}`);
