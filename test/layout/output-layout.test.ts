import { describe, expect, it } from 'vitest';
import { unsplitModelFiles } from '../../src/layout/output-layout.ts';

describe('an unsplit output’s model files', () => {
  it("Olive's layout: model.onnx and model.onnx.data at the top, whatever the precision", () => {
    expect(unsplitModelFiles('olive', 'int4', 'fp32')).toEqual({ layout: 'olive', model: 'model.onnx', data: 'model.onnx.data' });
  });

  it("Transformers.js's layout: the file its dtype option selects under onnx/, each with its own <file>_data", () => {
    const files = (precision: 'fp32' | 'fp16' | 'int4' | 'int8', io: 'fp32' | 'fp16') => unsplitModelFiles('transformers.js', precision, io);
    expect(files('fp32', 'fp32')).toEqual({ layout: 'transformers.js', model: 'onnx/model.onnx', data: 'onnx/model.onnx_data' });
    expect(files('fp16', 'fp16').model).toBe('onnx/model_fp16.onnx');
    expect(files('int4', 'fp32')).toEqual({ layout: 'transformers.js', model: 'onnx/model_q4.onnx', data: 'onnx/model_q4.onnx_data' });
    expect(files('int4', 'fp16').model).toBe('onnx/model_q4f16.onnx');
    expect(files('int8', 'fp32').model).toBe('onnx/model_quantized.onnx');
    expect(files('int8', 'fp16').model).toBe('onnx/model_quantized.onnx');
  });
});
