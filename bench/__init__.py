"""The benchmarks of autograd-scalar: ``python -m bench`` (see bench/README.md).

`workloads` defines what is timed and how it is checked, `gpt` and `microgpt_style` are the GPT
workload's model and reference engine, `engines` the scalar engines, `runner` the run and its
goals; `timing` (one case under pyperf) and `probe` (the checks and memory) run in subprocesses.
"""
