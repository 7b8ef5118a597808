"""Logits of the tiny fixtures from Hugging Face transformers itself (float64, CPU), to check the TypeScript
reference against the library it models. Run where torch and transformers are installed (not part of the test
suite): python3 test/reference/crosscheck/hf_logits.py OUT.json
Cases mirror compare.ts: prompt ids are (i * 37 + seed) % vocab_size."""
import json
import sys

import torch
from transformers import AutoModelForCausalLM

CASES = [
    # (fixture, prompt length, seed, decode: prefill all but the last token, then feed it through the cache)
    ("llama", 7, 5, False),
    ("llama", 8, 11, True),
    ("llama", 50, 5, False),
    ("mistral", 15, 5, False),
    ("mistral", 8, 11, True),
    ("qwen2", 7, 5, False),
    ("qwen2", 8, 11, True),
    ("phi3", 7, 5, False),
    ("phi3", 40, 5, False),
    ("phi3", 33, 3, True),
    ("phi4", 7, 5, False),
    ("phi4", 40, 5, False),
    ("phi4", 33, 3, True),
    ("qwen3", 7, 5, False),
    ("qwen3", 8, 11, True),
    ("smollm3", 7, 5, False),
    ("smollm3", 8, 11, True),
    ("granite", 7, 5, False),
    ("granite", 8, 11, True),
    ("gemma3", 15, 5, False),
    ("gemma3", 15, 11, True),
]


def prompt(length, vocab, seed):
    return [(i * 37 + seed) % vocab for i in range(length)]


def logits_of(model, ids, decode):
    with torch.no_grad():
        if not decode:
            return model(torch.tensor([ids])).logits[0]
        first = model(torch.tensor([ids[:-1]]), use_cache=True)
        return model(torch.tensor([ids[-1:]]), past_key_values=first.past_key_values, use_cache=True).logits[0]


def main():
    results = []
    models = {}
    for arch, length, seed, decode in CASES:
        if arch not in models:
            models[arch] = AutoModelForCausalLM.from_pretrained(f"fixtures/tiny-{arch}", torch_dtype=torch.float64, attn_implementation="eager").eval()
        model = models[arch]
        ids = prompt(length, model.config.vocab_size, seed)
        logits = logits_of(model, ids, decode)
        results.append({"arch": arch, "length": length, "seed": seed, "decode": decode, "logits": logits.tolist()})
        print(arch, length, decode, "ok", flush=True)
    with open(sys.argv[1], "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
