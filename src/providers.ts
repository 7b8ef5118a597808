/** The ONNX Runtime execution providers olive-node builds for and validates on (the rest of Olive's are refused). */
export type ExecutionProvider = 'CPUExecutionProvider' | 'CUDAExecutionProvider';

export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['CPUExecutionProvider', 'CUDAExecutionProvider'];
