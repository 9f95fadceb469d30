"""Camera-derived e-bike violation analytics (seed 000): indicators, calibration (模型率定验证),
hotspots, camera health, site selection (优化选点) and problem lists (清单化).

Pure functions over DataFrames; :mod:`scoring.camera.pipeline` composes them.
"""
