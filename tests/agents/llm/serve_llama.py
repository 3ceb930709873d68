"""Runs llama-cpp-python's own OpenAI-compatible server with the model params LocalProvider uses.

Plain ``python -m llama_cpp.server`` loads with llama.cpp's extra (AMX) weight buffers, which
die with SIGILL on some AMX CPUs under KVM, so the tests start it through this wrapper. All
command-line arguments are passed to the server unchanged.
"""

import runpy
import sys

from ionflux.agents.llm.local import cpu_has_amx, model_params_override

if __name__ == "__main__":
    sys.argv[0] = "llama_cpp.server"
    with model_params_override(use_extra_bufts=not cpu_has_amx()):
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
