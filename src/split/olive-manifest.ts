/** model_config.json as Olive writes it for a split model (REFERENCE §4): a CompositeModel of ONNXModel parts. */

export interface CompositeModelConfig {
  type: 'CompositeModel';
  config: {
    model_path: string;
    model_component_names: string[];
    model_components: { type: 'ONNXModel'; config: { model_path: string; onnx_file_name: string } }[];
    model_attributes: Record<string, unknown>;
  };
}

export function compositeModelConfig(splitNames: string[], modelAttributes: Record<string, unknown>): CompositeModelConfig {
  return {
    type: 'CompositeModel',
    config: {
      model_path: '.',
      model_component_names: splitNames,
      model_components: splitNames.map((name) => ({ type: 'ONNXModel', config: { model_path: '.', onnx_file_name: `${name}.onnx` } })),
      model_attributes: modelAttributes,
    },
  };
}
